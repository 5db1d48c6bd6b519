using System.Diagnostics.CodeAnalysis;
using AftSweep.Contracts.Grid;

namespace AftSweep.Contracts.Protocol;

/// <summary>Reads the width D out of a "noise:D" or "noise:D?seed=S" teacher spec (grid.md, teachers).</summary>
public static class NoiseTeacher
{
    public const string Prefix = "noise:";

    public static bool TryParseWidth(string spec, out int width)
    {
        width = 0;
        // A noise spec has no path, so the base directory is never used.
        if (!spec.StartsWith(Prefix, StringComparison.Ordinal) || !TeacherSpec.TryParse(spec, "/", out var parsed, out _)) return false;
        width = parsed.Dim!.Value;
        return true;
    }

    public static bool IsNoise(this TeacherRef teacher) => TryParseWidth(teacher.Spec, out _);

    /// <summary>Total noise features in a combo (0 when it has no noise teacher).</summary>
    public static int NoiseFeatures(IEnumerable<TeacherRef> combo) =>
        combo.Sum(t => TryParseWidth(t.Spec, out var d) ? d : 0);

    /// <summary>The combo's real (non-noise) teachers joined by '+', e.g. "minilm" for minilm+noise.</summary>
    public static string RealTeachersKey(IEnumerable<TeacherRef> combo) =>
        string.Join("+", combo.Where(t => !t.IsNoise()).Select(t => t.Name));

    public static bool HasNoise(IEnumerable<TeacherRef> combo, [NotNullWhen(true)] out TeacherRef? first)
    {
        first = combo.FirstOrDefault(t => t.IsNoise());
        return first is not null;
    }
}
