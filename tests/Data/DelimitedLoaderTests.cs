using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;

namespace AftSweep.Tests.Data;

public sealed class DelimitedLoaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static DatasetSpec Text(DatasetFormat format, string train, string test, ColumnRef[] text, ColumnRef label,
        bool header = true, string? template = null, SplitLimit? limit = null) => new()
    {
        Name = "t",
        Kind = DatasetKind.Text,
        Format = format,
        Train = new SplitSource { Files = [train] },
        Test = new SplitSource { Files = [test] },
        Header = header,
        Text = text,
        Label = label,
        Template = template,
        Limit = limit,
    };

    [Fact]
    public void Sst2Fixture_TsvWithHeader_LoadsSentencesAndIntegerLabels()
    {
        var spec = Text(DatasetFormat.Tsv, TestFiles.Fixture("sst2-train.tsv"), TestFiles.Fixture("sst2-test.tsv"),
            [ColumnRef.Named("sentence")], ColumnRef.Named("label"));

        var data = new DatasetLoader().Load(spec);

        Assert.Equal(12, data.Train.Rows);
        Assert.Equal(6, data.Test.Rows);
        Assert.Equal("when are bears bears and ", data.Train.Texts![0]);
        Assert.Equal([1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1], data.Train.Labels);
        Assert.Equal(["0", "1"], data.ClassNames);
        Assert.Equal(64, data.Fingerprint.Length);
    }

    [Fact]
    public void Csv_QuotedFieldsBomAndTwoColumnTemplate_RendersEachRow()
    {
        var train = _files.Write("train.csv",
            "\uFEFFid,premise,hypothesis,label\r\n" +
            "1,\"A man, tall\",\"He is \"\"tall\"\"\",entailment\r\n" +
            "2,\"Line one\nline two\",Nothing,not_entailment\r\n" +
            "3,Cats sleep,Cats are awake,not_entailment\r\n");
        var test = _files.Write("test.csv", "id,premise,hypothesis,label\n4,Dogs run,Dogs move,entailment\n");
        var spec = Text(DatasetFormat.Csv, train, test, [ColumnRef.Named("premise"), ColumnRef.Named("hypothesis")],
            ColumnRef.Named("label"), template: "{premise}\nQuestion: {hypothesis} True or False?");

        var data = new DatasetLoader().Load(spec);

        Assert.Equal("A man, tall\nQuestion: He is \"tall\" True or False?", data.Train.Texts![0]);
        Assert.Equal("Line one\nline two\nQuestion: Nothing True or False?", data.Train.Texts[1]);
        Assert.Equal(["entailment", "not_entailment"], data.ClassNames);
        Assert.Equal([0, 1, 1], data.Train.Labels);
        Assert.Equal([0], data.Test.Labels);
    }

    [Fact]
    public void Tsv_NoHeaderColumnsByIndexNoTemplate_JoinsTextColumnsWithASpace()
    {
        var train = _files.Write("train.tsv", "pos\tgood film\tloved it\nneg\tbad film\thated it\n");
        var test = _files.Write("test.tsv", "neg\tdull\tslow\n");
        var spec = Text(DatasetFormat.Tsv, train, test, [ColumnRef.At(1), ColumnRef.At(2)], ColumnRef.At(0), header: false);

        var data = new DatasetLoader().Load(spec);

        Assert.Equal(["good film loved it", "bad film hated it"], data.Train.Texts!);
        Assert.Equal(["neg", "pos"], data.ClassNames);
        Assert.Equal([1, 0], data.Train.Labels);
    }

    [Fact]
    public void Tsv_QuotesInsideGlueSentences_AreKeptLiterally()
    {
        var train = _files.Write("train.tsv", "label\tsentence\n1\t\"the witness\", he said\n0\tno \"quote\n");
        var test = _files.Write("test.tsv", "label\tsentence\n1\tok\n");
        var spec = Text(DatasetFormat.Tsv, train, test, [ColumnRef.Named("sentence")], ColumnRef.Named("label"));

        var data = new DatasetLoader().Load(spec);

        Assert.Equal(["\"the witness\", he said", "no \"quote"], data.Train.Texts!);
    }

    [Fact]
    public void StringLabels_TestLabelMissingFromTrain_NamesTheTestLine()
    {
        var train = _files.Write("train.tsv", "s\tl\na\tyes\nb\tno\n");
        var test = _files.Write("test.tsv", "s\tl\nc\tyes\nd\tmaybe\n");
        var spec = Text(DatasetFormat.Tsv, train, test, [ColumnRef.Named("s")], ColumnRef.Named("l"));

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(spec));

        Assert.Equal(test, e.File);
        Assert.Equal("line 3", e.Location);
        Assert.Contains("'maybe' does not occur in the train split", e.Message);
    }

    [Fact]
    public void Limit_OnTextDataset_IsClassBalancedAndKeepsSourceRows()
    {
        var lines = Enumerable.Range(0, 40).Select(i => $"s{i}\t{(i < 30 ? 0 : 1)}");
        var train = _files.Write("train.tsv", "s\tl\n" + string.Join("\n", lines) + "\n");
        var test = _files.Write("test.tsv", "s\tl\nx\t0\ny\t1\n");
        var spec = Text(DatasetFormat.Tsv, train, test, [ColumnRef.Named("s")], ColumnRef.Named("l"), limit: new SplitLimit(10, null));

        var a = new DatasetLoader().Load(spec);
        var b = new DatasetLoader().Load(spec);
        var other = new DatasetLoader().Load(spec, 7);

        Assert.Equal(10, a.Train.Rows);
        Assert.Equal(5, a.Train.Labels.Count(l => l == 0));
        Assert.Equal(a.Train.Texts, b.Train.Texts);
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Train.Texts, other.Train.Texts);
        Assert.NotEqual(a.Fingerprint, other.Fingerprint);
        Assert.Equal(40, a.Train.SourceRowCount);
        Assert.Equal(a.Train.SourceRows!.Order().ToArray(), a.Train.SourceRows);
        for (var i = 0; i < 10; i++) Assert.Equal($"s{a.Train.SourceRow(i)}", a.Train.Texts![i]);
        Assert.Equal(2, a.Test.Rows);
    }
}
