namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// An AttributeProto: one of a float, an int, a string, a tensor, or lists of floats or ints. Graph-valued
/// attributes (If/Loop bodies) are recorded by type only: no conversion here walks control flow.
/// </summary>
public sealed record OnnxAttribute(
    string Name,
    OnnxAttributeType Type,
    float Float,
    long Int,
    string? String,
    OnnxTensor? Tensor,
    IReadOnlyList<float> Floats,
    IReadOnlyList<long> Ints);
