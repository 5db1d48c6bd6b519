using AftSweep.Infra.Journal;
using AftSweep.Tests.Cluster.Support;

namespace AftSweep.Tests.Journal;

public sealed class SegmentJournalTests
{
    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    [Fact]
    public async Task Append_ConcurrentWriters_EveryValueReadBackByANewInstance()
    {
        using var temp = new TempFolder();
        using (var journal = new SegmentJournal(temp.Path, flushToDisk: true))
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => journal.AppendAsync(JournalOp.Put, $"k{i}", 1, Bytes($"v{i}")))));
            await journal.AppendAsync(JournalOp.Put, "k7", 2, Bytes("v7-second"));
            await journal.AppendAsync(JournalOp.Delete, "k9", 2, []);
        }

        using var reopened = new SegmentJournal(temp.Path, flushToDisk: false);
        var all = reopened.ReadAll().ToDictionary(e => e.Key, e => Text(e.Payload));

        Assert.Equal(199, all.Count);
        Assert.Equal("v7-second", all["k7"]);
        Assert.Equal("v3", all["k3"]);
        Assert.False(all.ContainsKey("k9"));
        Assert.True(reopened.Get("k9")!.Deleted);
        Assert.Null(reopened.Get("missing"));
        // One writer, one segment: the 200 concurrent appends all went into it.
        Assert.Single(Directory.GetFiles(temp.Path, "*" + SegmentJournal.Extension));
    }

    [Fact]
    public async Task Read_TornTailAfterCrash_KeepsEveryCompleteFrameAndIgnoresTheTail()
    {
        using var temp = new TempFolder();
        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false))
        {
            await journal.AppendAsync(JournalOp.Put, "a", 1, Bytes("first"));
            await journal.AppendAsync(JournalOp.Put, "b", 1, Bytes("second"));
        }
        var segment = Directory.GetFiles(temp.Path, "*" + SegmentJournal.Extension).Single();
        // A crash mid-append: half of a third frame reached the disk.
        var torn = JournalFrame.Encode(JournalOp.Put, "a", 2, long.MaxValue, Bytes("never acknowledged"));
        await using (var stream = new FileStream(segment, FileMode.Append)) stream.Write(torn, 0, torn.Length / 2);

        using var reopened = new SegmentJournal(temp.Path, flushToDisk: false);
        Assert.Equal("first", Text(reopened.Get("a")!.Payload));
        Assert.Equal("second", Text(reopened.Get("b")!.Payload));
    }

    [Fact]
    public async Task Read_FlippedByteInAFrame_ChecksumStopsTheSegmentThere()
    {
        using var temp = new TempFolder();
        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false))
        {
            await journal.AppendAsync(JournalOp.Put, "a", 1, Bytes("good"));
            await journal.AppendAsync(JournalOp.Put, "b", 1, Bytes("corrupted"));
        }
        var segment = Directory.GetFiles(temp.Path, "*" + SegmentJournal.Extension).Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^2] ^= 0xFF;
        await File.WriteAllBytesAsync(segment, bytes);

        using var reopened = new SegmentJournal(temp.Path, flushToDisk: false);
        Assert.Equal("good", Text(reopened.Get("a")!.Payload));
        Assert.Null(reopened.Get("b"));
    }

    [Fact]
    public async Task Get_WritesOfAnotherWriterOnTheSameFolder_SeenOnNextRead()
    {
        using var temp = new TempFolder();
        using var first = new SegmentJournal(temp.Path, flushToDisk: false);
        using var second = new SegmentJournal(temp.Path, flushToDisk: false);

        await first.AppendAsync(JournalOp.Put, "x", 1, Bytes("from first"));
        Assert.Equal("from first", Text(second.Get("x")!.Payload));
        await second.AppendAsync(JournalOp.Put, "x", 2, Bytes("from second"));
        Assert.Equal("from second", Text(first.Get("x")!.Payload));
        // A lower version never wins, whatever its sequence.
        await first.AppendAsync(JournalOp.Put, "x", 1, Bytes("stale"));
        Assert.Equal("from second", Text(second.Get("x")!.Payload));
        Assert.Equal(2, Directory.GetFiles(temp.Path, "*" + SegmentJournal.Extension).Length);
    }

    [Fact]
    public async Task Read_SegmentWithForeignHeader_ErrorNamesTheFile()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "bogus" + SegmentJournal.Extension);
        await File.WriteAllTextAsync(path, "not a journal at all");

        using var journal = new SegmentJournal(temp.Path, flushToDisk: false);
        var e = Assert.Throws<InvalidDataException>(() => journal.Get("a"));
        Assert.Contains(path, e.Message);
    }
}
