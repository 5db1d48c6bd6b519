namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// A protobuf-level problem at a byte offset, with the path of ONNX messages it was found in (innermost last once
/// <see cref="Within"/> has been applied on the way out). <see cref="OnnxModelReader"/> turns it into an
/// <see cref="InvalidDataException"/> naming the file.
/// </summary>
internal sealed class ProtoFormatException : Exception
{
    public ProtoFormatException(string problem, long offset, string where = "")
        : base(problem)
    {
        Problem = problem;
        ByteOffset = offset;
        Where = where;
    }

    public string Problem { get; }
    public long ByteOffset { get; }
    /// <summary>e.g. "graph.initializer[12] 'onnx::MatMul_788'".</summary>
    public string Where { get; }

    /// <summary>The same problem, located one message further out.</summary>
    public ProtoFormatException Within(string outer) =>
        new(Problem, ByteOffset, Where.Length == 0 ? outer : outer + "." + Where);
}
