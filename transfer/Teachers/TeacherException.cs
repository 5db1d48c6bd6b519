namespace AftSweep.Transfer.Teachers;

/// <summary>A teacher spec that cannot be honoured (malformed spec, missing or unusable model file, wrong dataset kind).</summary>
public sealed class TeacherException(string spec, string problem, Exception? inner = null)
    : Exception($"teacher '{spec}': {problem}", inner)
{
    public string Spec { get; } = spec;
    public string Problem { get; } = problem;
}
