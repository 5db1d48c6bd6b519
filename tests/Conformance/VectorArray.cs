using System.Text.Json;
using static TorchSharp.torch;

namespace AftSweep.Tests.Conformance;

/// <summary>A nested JSON number array, flattened row-major with its shape.</summary>
public sealed record VectorArray(long[] Shape, double[] Values)
{
    public static VectorArray Parse(JsonElement element, string where)
    {
        var shape = new List<long>();
        var probe = element;
        while (probe.ValueKind == JsonValueKind.Array)
        {
            shape.Add(probe.GetArrayLength());
            if (probe.GetArrayLength() == 0) break;
            probe = probe[0];
        }
        if (element.ValueKind == JsonValueKind.Number) return new VectorArray([], [element.GetDouble()]);
        var values = new List<double>();
        Flatten(element, 0, shape, values, where);
        return new VectorArray(shape.ToArray(), values.ToArray());
    }

    private static void Flatten(JsonElement element, int depth, List<long> shape, List<double> values, string where)
    {
        if (depth == shape.Count)
        {
            if (element.ValueKind != JsonValueKind.Number) throw new FormatException($"{where}: expected a number at depth {depth}, got {element.ValueKind}");
            values.Add(element.GetDouble());
            return;
        }
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[depth])
            throw new FormatException($"{where}: ragged array at depth {depth} (expected {shape[depth]} entries)");
        foreach (var item in element.EnumerateArray()) Flatten(item, depth + 1, shape, values, where);
    }

    /// <summary>A float64 CPU tensor; a leaf that records gradients when asked.</summary>
    public Tensor ToTensor(bool requiresGrad = false) =>
        tensor(Values, Shape, ScalarType.Float64).requires_grad_(requiresGrad);
}
