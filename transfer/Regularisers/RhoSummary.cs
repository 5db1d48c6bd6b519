using AftSweep.Contracts.Trials;

namespace AftSweep.Transfer.Regularisers;

/// <summary>Per-teacher sums of the learned rho (one s spans the whole concatenation, in combo order).</summary>
public static class RhoSummary
{
    public static IReadOnlyList<TeacherRho> ByTeacher(IReadOnlyList<float> rho, IReadOnlyList<int> widths, IReadOnlyList<string> names)
    {
        if (widths.Count != names.Count)
            throw new ArgumentException($"rho summary: {widths.Count} teacher widths but {names.Count} teacher names");
        if (widths.Any(w => w <= 0))
            throw new ArgumentException($"rho summary: teacher widths must be positive, got [{string.Join(", ", widths)}]");
        if (widths.Sum() != rho.Count)
            throw new ArgumentException($"rho summary: rho has {rho.Count} values but the teacher widths [{string.Join(", ", widths)}] sum to {widths.Sum()}");
        var result = new List<TeacherRho>(widths.Count);
        var offset = 0;
        for (var i = 0; i < widths.Count; i++)
        {
            double sum = 0;
            for (var j = offset; j < offset + widths[i]; j++) sum += rho[j];
            result.Add(new TeacherRho(names[i], widths[i], sum));
            offset += widths[i];
        }
        return result;
    }

    /// <summary>The trial's teachers: widths and names from the setup the regulariser was built from.</summary>
    public static IReadOnlyList<TeacherRho> ByTeacher(IReadOnlyList<float> rho, RegulariserSetup setup) =>
        ByTeacher(rho, setup.TeacherTrainFeatures.Select(f => f.Dim).ToArray(), setup.TeacherKeys);
}
