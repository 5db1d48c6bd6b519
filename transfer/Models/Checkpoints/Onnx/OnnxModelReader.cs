namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// Reads an ONNX ModelProto (github.com/onnx/onnx, onnx/onnx.proto) without a protobuf library: the graph's nodes
/// (op type, inputs, outputs, attributes), inputs and outputs with their tensor types, and initializers. Fields it
/// does not need are skipped as protobuf allows. A file that is truncated, corrupt or not ONNX at all is an
/// <see cref="InvalidDataException"/> naming the file, the message path (e.g. <c>graph.initializer[12]
/// 'onnx::MatMul_788'</c>) and the byte offset; tensors whose data does not fill their dims are refused at read
/// time, so a conversion never reads past a tensor.
/// </summary>
public static class OnnxModelReader
{
    public static OnnxModel Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file '{path}' does not exist", path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a model held in memory (e.g. an embedded resource); <paramref name="source"/> names it in errors.</summary>
    public static OnnxModel Read(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return ReadModel(new ProtoReader(bytes), source);
        }
        catch (ProtoFormatException e)
        {
            var where = e.Where.Length > 0 ? $" in {e.Where}" : "";
            throw new InvalidDataException(
                $"ONNX file '{source}' is truncated or corrupt: {e.Problem}{where} (byte {e.ByteOffset} of {bytes.Length})", e);
        }
    }

    private static OnnxModel ReadModel(ProtoReader reader, string source)
    {
        long irVersion = 0;
        string producer = "", producerVersion = "";
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        OnnxGraph? graph = null;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            try
            {
                switch (field)
                {
                    case 1: reader.RequireWire(wire, WireType.Varint, "ir_version"); irVersion = reader.ReadInt64(); break;
                    case 2: reader.RequireWire(wire, WireType.LengthDelimited, "producer_name"); producer = reader.ReadString(); break;
                    case 3: reader.RequireWire(wire, WireType.LengthDelimited, "producer_version"); producerVersion = reader.ReadString(); break;
                    case 7:
                        reader.RequireWire(wire, WireType.LengthDelimited, "graph");
                        var sub = reader.ReadMessage();
                        graph = Within("graph", () => ReadGraph(sub));
                        break;
                    case 8:
                        reader.RequireWire(wire, WireType.LengthDelimited, "opset_import");
                        var opset = reader.ReadMessage();
                        var (domain, version) = Within($"opset_import[{opsets.Count}]", () => ReadOpset(opset));
                        opsets[domain == "ai.onnx" ? "" : domain] = version;
                        break;
                    default: reader.Skip(wire); break;
                }
            }
            catch (ProtoFormatException e) when (e.Where.Length == 0 && field is 7 or 8)
            {
                // The field's own bytes were cut short (its length runs past the end): say which field.
                throw e.Within(field == 7 ? "graph" : $"opset_import[{opsets.Count}]");
            }
        }
        // A file cut short at a field boundary parses as a shorter message: what every model must have catches it.
        if (graph is null) throw new ProtoFormatException("there is no graph (not an ONNX model, or cut short before it)", reader.Offset);
        if (irVersion <= 0) throw new ProtoFormatException("ir_version is missing", reader.Offset);
        if (opsets.Count == 0) throw new ProtoFormatException("opset_import is missing (cut short after the graph?)", reader.Offset);
        return new OnnxModel(source, irVersion, producer, producerVersion, opsets, graph);
    }

    private static (string Domain, long Version) ReadOpset(ProtoReader reader)
    {
        string domain = "";
        long version = 0;
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1) { reader.RequireWire(wire, WireType.LengthDelimited, "domain"); domain = reader.ReadString(); }
            else if (field == 2) { reader.RequireWire(wire, WireType.Varint, "version"); version = reader.ReadInt64(); }
            else reader.Skip(wire);
        }
        return (domain, version);
    }

    private static OnnxGraph ReadGraph(ProtoReader reader)
    {
        var name = "";
        var nodes = new List<OnnxNode>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            try
            {
                switch (field)
                {
                    case 1:
                        reader.RequireWire(wire, WireType.LengthDelimited, "node");
                        var nodeMessage = reader.ReadMessage();
                        nodes.Add(Within($"node[{nodes.Count}]", () => ReadNode(nodeMessage)));
                        break;
                    case 2: reader.RequireWire(wire, WireType.LengthDelimited, "name"); name = reader.ReadString(); break;
                    case 5:
                        reader.RequireWire(wire, WireType.LengthDelimited, "initializer");
                        var tensorMessage = reader.ReadMessage();
                        var index = initializers.Count;
                        var tensor = Within($"initializer[{index}]", () => ReadTensor(tensorMessage));
                        if (tensor.Name.Length == 0) throw new ProtoFormatException("an initializer has no name", tensorMessage.Offset, $"initializer[{index}]");
                        if (!initializers.TryAdd(tensor.Name, tensor))
                            throw new ProtoFormatException($"initializer name '{tensor.Name}' is used twice", tensorMessage.Offset, $"initializer[{index}]");
                        break;
                    case 11:
                    case 12:
                        reader.RequireWire(wire, WireType.LengthDelimited, field == 11 ? "input" : "output");
                        var list = field == 11 ? inputs : outputs;
                        var valueMessage = reader.ReadMessage();
                        list.Add(Within($"{(field == 11 ? "input" : "output")}[{list.Count}]", () => ReadValueInfo(valueMessage)));
                        break;
                    default: reader.Skip(wire); break;
                }
            }
            catch (ProtoFormatException e) when (e.Where.Length == 0 && field is 1 or 5 or 11 or 12)
            {
                throw e.Within(field switch
                {
                    1 => $"node[{nodes.Count}]",
                    5 => $"initializer[{initializers.Count}]",
                    11 => $"input[{inputs.Count}]",
                    _ => $"output[{outputs.Count}]",
                });
            }
        }
        return new OnnxGraph(name, nodes, inputs, outputs, initializers);
    }

    private static OnnxNode ReadNode(ProtoReader reader)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string name = "", opType = "", domain = "";
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.RequireWire(wire, WireType.LengthDelimited, "input"); inputs.Add(reader.ReadString()); break;
                case 2: reader.RequireWire(wire, WireType.LengthDelimited, "output"); outputs.Add(reader.ReadString()); break;
                case 3: reader.RequireWire(wire, WireType.LengthDelimited, "name"); name = reader.ReadString(); break;
                case 4: reader.RequireWire(wire, WireType.LengthDelimited, "op_type"); opType = reader.ReadString(); break;
                case 7: reader.RequireWire(wire, WireType.LengthDelimited, "domain"); domain = reader.ReadString(); break;
                case 5:
                    reader.RequireWire(wire, WireType.LengthDelimited, "attribute");
                    var message = reader.ReadMessage();
                    var attribute = Within($"attribute[{attributes.Count}]", () => ReadAttribute(message));
                    attributes[attribute.Name] = attribute;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        if (opType.Length == 0) throw new ProtoFormatException($"node '{name}' has no op_type", reader.Offset);
        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }

    private static OnnxAttribute ReadAttribute(ProtoReader reader)
    {
        var name = "";
        var type = OnnxAttributeType.Undefined;
        float f = 0;
        long i = 0;
        string? s = null;
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.RequireWire(wire, WireType.LengthDelimited, "name"); name = reader.ReadString(); break;
                case 20: reader.RequireWire(wire, WireType.Varint, "type"); type = (OnnxAttributeType)reader.ReadInt32(); break;
                case 2: reader.RequireWire(wire, WireType.Fixed32, "f"); f = reader.ReadFloat(); break;
                case 3: reader.RequireWire(wire, WireType.Varint, "i"); i = reader.ReadInt64(); break;
                case 4: reader.RequireWire(wire, WireType.LengthDelimited, "s"); s = reader.ReadString(); break;
                case 5:
                    reader.RequireWire(wire, WireType.LengthDelimited, "t");
                    var tensor = reader.ReadMessage();
                    t = Within("t", () => ReadTensor(tensor));
                    break;
                case 7: reader.ReadRepeatedFloat(wire, floats); break;
                case 8: reader.ReadRepeatedInt64(wire, ints); break;
                default: reader.Skip(wire); break;
            }
        }
        if (name.Length == 0) throw new ProtoFormatException("an attribute has no name", reader.Offset);
        // IR version 1 files carry no type field: infer it from the one value present.
        if (type == OnnxAttributeType.Undefined)
            type = t is not null ? OnnxAttributeType.Tensor : s is not null ? OnnxAttributeType.String
                : ints.Count > 0 ? OnnxAttributeType.Ints : floats.Count > 0 ? OnnxAttributeType.Floats
                : f != 0 ? OnnxAttributeType.Float : OnnxAttributeType.Int;
        return new OnnxAttribute(name, type, f, i, s, t, floats, ints);
    }

    private static OnnxTensor ReadTensor(ProtoReader reader)
    {
        var dims = new List<long>();
        var dataType = OnnxDataType.Undefined;
        var name = "";
        ReadOnlyMemory<byte> raw = default;
        var hasRaw = false;
        List<float>? floats = null;
        List<long>? int64s = null;
        List<long>? int32s = null;
        List<double>? doubles = null;
        var external = false;
        var start = reader.Offset;
        try
        {
            while (!reader.AtEnd)
            {
                var (field, wire) = reader.ReadTag();
                switch (field)
                {
                    case 1: reader.ReadRepeatedInt64(wire, dims); break;
                    case 2: reader.RequireWire(wire, WireType.Varint, "data_type"); dataType = (OnnxDataType)reader.ReadInt32(); break;
                    case 4: reader.ReadRepeatedFloat(wire, floats ??= []); break;
                    case 5: reader.ReadRepeatedInt64(wire, int32s ??= []); break;
                    case 7: reader.ReadRepeatedInt64(wire, int64s ??= []); break;
                    case 8: reader.RequireWire(wire, WireType.LengthDelimited, "name"); name = reader.ReadString(); break;
                    case 9: reader.RequireWire(wire, WireType.LengthDelimited, "raw_data"); raw = reader.ReadBytes(); hasRaw = true; break;
                    case 10: reader.ReadRepeatedDouble(wire, doubles ??= []); break;
                    case 14: reader.RequireWire(wire, WireType.Varint, "data_location"); external = reader.ReadInt64() == 1; break;
                    default: reader.Skip(wire); break;
                }
            }
        }
        catch (ProtoFormatException e) when (name.Length > 0 && e.Where.Length == 0)
        {
            throw new ProtoFormatException($"{e.Problem} (tensor '{name}')", e.ByteOffset);
        }
        var label = name.Length > 0 ? $"tensor '{name}'" : "a tensor";
        if (external)
            throw new ProtoFormatException($"{label} keeps its data in an external file, which this reader does not follow", start);
        if (!Enum.IsDefined(dataType) || dataType == OnnxDataType.Undefined)
            throw new ProtoFormatException($"{label} has data type {(int)dataType}, not a known ONNX type", start);
        foreach (var d in dims)
            if (d < 0) throw new ProtoFormatException($"{label} has a negative dimension {d}", start);
        var tensor = new OnnxTensor(name, dataType, dims.ToArray(), raw, hasRaw, floats?.ToArray(), int64s?.ToArray(),
            int32s?.Select(v => (int)v).ToArray(), doubles?.ToArray());
        long expected;
        try
        {
            expected = dims.Aggregate(1L, (n, d) => checked(n * d));
        }
        catch (OverflowException)
        {
            throw new ProtoFormatException($"{label} has dims [{string.Join(", ", dims)}] whose product overflows", start);
        }
        if (dataType == OnnxDataType.String) return tensor; // string tensors are not weights; their data is not read
        var size = OnnxTensor.ElementSize(dataType);
        if (hasRaw && tensor.RawLength != expected * size)
            throw new ProtoFormatException(
                $"{label} ({dataType} {tensor.ShapeText}) needs {expected * size} bytes of raw_data but has {tensor.RawLength}", start);
        if (!hasRaw && tensor.StoredCount != expected)
            throw new ProtoFormatException(
                $"{label} ({dataType} {tensor.ShapeText}) needs {expected} values but stores {tensor.StoredCount}", start);
        return tensor;
    }

    private static OnnxValueInfo ReadValueInfo(ProtoReader reader)
    {
        var name = "";
        var elementType = OnnxDataType.Undefined;
        var shape = new List<OnnxDimension>();
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1) { reader.RequireWire(wire, WireType.LengthDelimited, "name"); name = reader.ReadString(); }
            else if (field == 2)
            {
                reader.RequireWire(wire, WireType.LengthDelimited, "type");
                var type = reader.ReadMessage();
                while (!type.AtEnd)
                {
                    var (typeField, typeWire) = type.ReadTag();
                    if (typeField != 1) { type.Skip(typeWire); continue; } // sequence/map/optional types: not tensors
                    type.RequireWire(typeWire, WireType.LengthDelimited, "tensor_type");
                    var tensorType = type.ReadMessage();
                    (elementType, shape) = ReadTensorType(tensorType);
                }
            }
            else reader.Skip(wire);
        }
        return new OnnxValueInfo(name, elementType, shape);
    }

    private static (OnnxDataType, List<OnnxDimension>) ReadTensorType(ProtoReader reader)
    {
        var elementType = OnnxDataType.Undefined;
        var dims = new List<OnnxDimension>();
        while (!reader.AtEnd)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1) { reader.RequireWire(wire, WireType.Varint, "elem_type"); elementType = (OnnxDataType)reader.ReadInt32(); }
            else if (field == 2)
            {
                reader.RequireWire(wire, WireType.LengthDelimited, "shape");
                var shape = reader.ReadMessage();
                while (!shape.AtEnd)
                {
                    var (dimField, dimWire) = shape.ReadTag();
                    if (dimField != 1) { shape.Skip(dimWire); continue; }
                    shape.RequireWire(dimWire, WireType.LengthDelimited, "dim");
                    var dim = shape.ReadMessage();
                    long? value = null;
                    string? symbol = null;
                    while (!dim.AtEnd)
                    {
                        var (f, w) = dim.ReadTag();
                        if (f == 1) { dim.RequireWire(w, WireType.Varint, "dim_value"); value = dim.ReadInt64(); }
                        else if (f == 2) { dim.RequireWire(w, WireType.LengthDelimited, "dim_param"); symbol = dim.ReadString(); }
                        else dim.Skip(w);
                    }
                    dims.Add(new OnnxDimension(value, symbol));
                }
            }
            else reader.Skip(wire);
        }
        return (elementType, dims);
    }

    private static T Within<T>(string where, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ProtoFormatException e)
        {
            throw e.Within(where);
        }
    }
}
