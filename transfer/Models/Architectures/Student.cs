namespace AftSweep.Transfer.Models.Architectures;

/// <summary>A built student: the module and the input pipeline it was built for.</summary>
public sealed class Student(DownstreamModel model, StudentInput input, string description) : IDisposable
{
    public DownstreamModel Model { get; } = model;
    public StudentInput Input { get; } = input;
    /// <summary>One line: architecture, config, checkpoint (for logs and <c>validate</c>).</summary>
    public string Description { get; } = description;

    public void Dispose() => Model.Dispose();
}
