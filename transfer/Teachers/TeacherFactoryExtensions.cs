using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Teachers;

public static class TeacherFactoryExtensions
{
    /// <summary>
    /// Parses <paramref name="spec"/> with <see cref="TeacherSpec"/> (relative paths against
    /// <paramref name="baseDirectory"/>) and makes its teacher; a spec that does not parse throws
    /// <see cref="TeacherException"/> with the parser's message.
    /// </summary>
    public static ITeacher Create(this ITeacherFactory factory, string spec, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(spec);
        baseDirectory = Path.GetFullPath(string.IsNullOrEmpty(baseDirectory) ? "." : baseDirectory);
        return TeacherSpec.TryParse(spec, baseDirectory, out var parsed, out var error)
            ? factory.Create(parsed)
            : throw new TeacherException(spec, error);
    }
}
