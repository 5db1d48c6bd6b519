using AftSweep.Transfer.Data;

namespace AftSweep.Transfer.Teachers;

/// <summary>Checks shared by every teacher: the row range and that the dataset carries the payload the teacher reads.</summary>
internal static class TeacherInputs
{
    public static LabeledSplit Range(LoadedDataset dataset, SplitName split, int startRow, int rowCount)
    {
        var rows = dataset.Split(split);
        if (startRow < 0 || rowCount < 0 || (long)startRow + rowCount > rows.Rows)
            throw new ArgumentOutOfRangeException(nameof(rowCount),
                $"rows [{startRow}, {(long)startRow + rowCount}) are outside the {split} split's {rows.Rows} rows");
        return rows;
    }

    public static ImageBatch Images(string spec, LoadedDataset dataset, LabeledSplit split) =>
        split.Images ?? throw new TeacherException(spec,
            $"reads images but dataset '{dataset.Spec.Name}' is {dataset.Spec.Kind.ToString().ToLowerInvariant()}");

    public static string[] Texts(string spec, LoadedDataset dataset, LabeledSplit split) =>
        split.Texts ?? throw new TeacherException(spec,
            $"reads text but dataset '{dataset.Spec.Name}' is {dataset.Spec.Kind.ToString().ToLowerInvariant()}");
}
