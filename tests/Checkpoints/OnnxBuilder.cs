namespace AftSweep.Tests.Checkpoints;

/// <summary>Small ONNX models for tests, field numbers as in onnx/onnx.proto.</summary>
internal static class OnnxBuilder
{
    public static ProtoWriter FloatTensor(string name, long[] dims, float[] values, bool raw = true)
    {
        var t = new ProtoWriter();
        foreach (var d in dims) t.Varint(1, d);   // dims, unpacked as onnx.proto declares them
        t.Varint(2, 1);                           // data_type FLOAT
        t.String(8, name);
        if (raw) t.Bytes(9, values.SelectMany(BitConverter.GetBytes).ToArray());
        else t.PackedFloats(4, values);
        return t;
    }

    public static ProtoWriter Node(string opType, string[] inputs, string[] outputs, string name = "", params ProtoWriter[] attributes)
    {
        var n = new ProtoWriter();
        foreach (var i in inputs) n.String(1, i);
        foreach (var o in outputs) n.String(2, o);
        n.String(3, name.Length > 0 ? name : outputs[0]);
        n.String(4, opType);
        foreach (var a in attributes) n.Message(5, a);
        return n;
    }

    public static ProtoWriter IntsAttribute(string name, params long[] values)
    {
        var a = new ProtoWriter().String(1, name);
        foreach (var v in values) a.Varint(8, v);
        return a.Varint(20, 7); // INTS
    }

    public static ProtoWriter ValueInfo(string name, params long[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var d in dims) shape.Message(1, new ProtoWriter().Varint(1, d));
        var tensorType = new ProtoWriter().Varint(1, 1).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }

    public static byte[] Model(ProtoWriter graph, long opset = 13) =>
        new ProtoWriter()
            .Varint(1, 7)                               // ir_version
            .String(2, "test")                          // producer_name
            .String(3, "1.0")                           // producer_version
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, opset))
            .ToArray();

    /// <summary>y = x @ W + b: one Linear exported as PyTorch does (W is weight^T under a generated name).</summary>
    public static ProtoWriter LinearGraph(float[] weightT, long inFeatures, long outFeatures, string biasName, bool withBiasAdd = true)
    {
        var g = new ProtoWriter()
            .Message(1, Node("MatMul", ["x", "onnx::MatMul_7"], [withBiasAdd ? "p" : "y"], "MatMul_0"));
        if (withBiasAdd) g.Message(1, Node("Add", [biasName, "p"], ["y"], "Add_1"));
        return g.String(2, "g")
            .Message(5, FloatTensor("onnx::MatMul_7", [inFeatures, outFeatures], weightT))
            .Message(5, FloatTensor(biasName, [outFeatures], new float[outFeatures]))
            .Message(11, ValueInfo("x", 1, inFeatures))
            .Message(12, ValueInfo("y", 1, outFeatures));
    }
}
