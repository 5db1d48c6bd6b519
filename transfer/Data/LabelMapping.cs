using System.Globalization;
using AftSweep.Transfer.Data.Formats;

namespace AftSweep.Transfer.Data;

/// <summary>
/// Turns the labels of both splits into class ids, one rule for every format. If every label of both splits is a
/// non-negative integer, the integer is the class id and class names are "0".."max". Otherwise labels are names:
/// class ids follow the sorted (ordinal) distinct train labels. Either way every test label must occur in train.
/// </summary>
internal static class LabelMapping
{
    public static (int[] Train, int[] Test, IReadOnlyList<string> ClassNames) Map(RawSplit train, RawSplit test)
    {
        var trainInts = AsIntegers(train);
        var testInts = AsIntegers(test);
        if (trainInts is not null && testInts is not null)
        {
            var trainIds = ToClassIds(train, trainInts);
            var testIds = ToClassIds(test, testInts);
            var known = new HashSet<int>(trainIds);
            CheckTestLabels(test, testIds.Length, i => known.Contains(testIds[i]), i => testIds[i].ToString(CultureInfo.InvariantCulture));
            var max = trainIds.Concat(testIds).DefaultIfEmpty(0).Max();
            var names = Enumerable.Range(0, max + 1).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
            return (trainIds, testIds, names);
        }

        var trainText = AsText(train);
        var testText = AsText(test);
        var classNames = trainText.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < classNames.Length; c++) index[classNames[c]] = c;
        CheckTestLabels(test, testText.Length, i => index.ContainsKey(testText[i]), i => $"'{testText[i]}'");
        return (trainText.Select(l => index[l]).ToArray(), testText.Select(l => index[l]).ToArray(), classNames);
    }

    private static long[]? AsIntegers(RawSplit split)
    {
        if (split.IntegerLabels is not null) return split.IntegerLabels;
        var labels = split.TextLabels!;
        var values = new long[labels.Length];
        for (var i = 0; i < labels.Length; i++)
            if (!long.TryParse(labels[i].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
                return null;
        return values;
    }

    private static string[] AsText(RawSplit split) =>
        split.TextLabels ?? split.IntegerLabels!.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static int[] ToClassIds(RawSplit split, long[] values)
    {
        var ids = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] > 1_000_000)
                throw new DatasetException(split.FileOfRow(i), split.Locate(i),
                    $"label {values[i]} is not a class id: integer labels must be in [0, 1000000]");
            ids[i] = (int)values[i];
        }
        return ids;
    }

    private static void CheckTestLabels(RawSplit test, int rows, Func<int, bool> known, Func<int, string> show)
    {
        for (var i = 0; i < rows; i++)
            if (!known(i))
                throw new DatasetException(test.FileOfRow(i), test.Locate(i),
                    $"label {show(i)} does not occur in the train split: train and test must use the same labels");
    }
}
