using AftSweep.Infra.Journal;
using AftSweep.Tests.Cluster.Support;

namespace AftSweep.Tests.Journal;

public sealed class SegmentJournalCompactionTests
{
    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);

    private static string[] Segments(string folder) => Directory.GetFiles(folder, "*" + SegmentJournal.Extension);

    private static long SegmentBytes(string folder) => Segments(folder).Sum(f => new FileInfo(f).Length);

    private static Dictionary<string, string> Contents(string folder)
    {
        using var journal = new SegmentJournal(folder, flushToDisk: false);
        return journal.ReadAll().ToDictionary(e => e.Key, e => Text(e.Payload));
    }

    /// <summary>A value big enough that superseded copies dominate quickly.</summary>
    private static string Value(string key, int version) => $"{key}@{version}:" + new string('x', 200);

    /// <summary>Keys k0..k9, each written <paramref name="versions"/> times, k3 deleted at the end; returns the expected contents.</summary>
    private static async Task<Dictionary<string, string>> OverwriteAsync(SegmentJournal journal, int versions, int firstVersion = 1)
    {
        var expected = new Dictionary<string, string>();
        for (var v = firstVersion; v < firstVersion + versions; v++)
        {
            for (var k = 0; k < 10; k++)
            {
                await journal.AppendAsync(JournalOp.Put, $"k{k}", v, Bytes(Value($"k{k}", v)));
                expected[$"k{k}"] = Value($"k{k}", v);
            }
        }
        await journal.AppendAsync(JournalOp.Delete, "k3", firstVersion + versions, []);
        expected.Remove("k3");
        return expected;
    }

    [Fact]
    public async Task Append_ManyOverwrites_CompactsOnItsOwnAndReadsBackIdentically()
    {
        using var temp = new TempFolder();
        Dictionary<string, string> expected;
        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false, compactAfterDeadBytes: 16 << 10))
        {
            expected = await OverwriteAsync(journal, versions: 200);
            // Compaction runs off the appending thread: give the last one time to finish.
            for (var i = 0; i < 100 && journal.Compactions == 0; i++) await Task.Delay(50);
            await Task.Delay(200);
            Assert.True(journal.Compactions > 0, "superseded bytes outweighed live ones past the floor: a compaction should have run");
            Assert.Null(journal.LastCompactionError);
            var (total, live) = journal.Size;
            Assert.True(total < 450_000 / 3, $"{total} bytes of frames held (live {live}): compaction should have dropped most of the ~450 KB written");
            // The tombstone still reads as a delete, with its version (grain storage derives the next version from it).
            Assert.True(journal.Get("k3")!.Deleted);
            Assert.Equal(201, journal.Peek("k3")!.Value.Version);
        }

        // 200 x 10 writes of ~220 bytes would be ~450 KB uncompacted.
        Assert.InRange(SegmentBytes(temp.Path), 1, 450_000 / 3);
        Assert.Single(Segments(temp.Path));
        Assert.Equal(expected, Contents(temp.Path));
        using var reopened = new SegmentJournal(temp.Path, flushToDisk: false);
        Assert.True(reopened.Get("k3")!.Deleted);
        Assert.Equal(200, reopened.Peek("k5")!.Value.Version);
    }

    [Fact]
    public async Task Compact_SegmentsOfEarlierProcesses_MergedIntoOneAndWritesContinueInIt()
    {
        using var temp = new TempFolder();
        // Three "runs" of a process, each leaving its own segment behind (their writers are gone).
        var expected = new Dictionary<string, string>();
        for (var run = 0; run < 3; run++)
        {
            using var journal = new SegmentJournal(temp.Path, flushToDisk: false, compactAfterDeadBytes: long.MaxValue);
            foreach (var kv in await OverwriteAsync(journal, versions: 5, firstVersion: 1 + run * 10)) expected[kv.Key] = kv.Value;
            expected.Remove("k3");
        }
        Assert.Equal(3, Segments(temp.Path).Length);
        var before = SegmentBytes(temp.Path);

        using (var journal = new SegmentJournal(temp.Path, flushToDisk: true, compactAfterDeadBytes: long.MaxValue))
        {
            var reclaimed = journal.Compact();
            Assert.True(reclaimed > 0);
            Assert.Single(Segments(temp.Path));
            Assert.Equal(expected, journal.ReadAll().ToDictionary(e => e.Key, e => Text(e.Payload)));
            await journal.AppendAsync(JournalOp.Put, "after", 1, Bytes("appended after compaction"));
            expected["after"] = "appended after compaction";
            Assert.Single(Segments(temp.Path));
        }
        Assert.True(SegmentBytes(temp.Path) < before / 3, $"{SegmentBytes(temp.Path)} bytes left of {before}");
        Assert.Equal(expected, Contents(temp.Path));
        Assert.Empty(Directory.GetFiles(temp.Path, "*" + SegmentJournal.CompactingExtension));
    }

    [Theory]
    [InlineData(nameof(CompactionStep.Written))]
    [InlineData(nameof(CompactionStep.Renamed))]
    [InlineData(nameof(CompactionStep.SourceDeleted))]
    public async Task Compact_CrashAfterAStep_ReopensToTheSameContentsAndTheNextCompactionCleansUp(string stepName)
    {
        var step = Enum.Parse<CompactionStep>(stepName);
        using var temp = new TempFolder();
        Dictionary<string, string> expected;
        // A segment of an earlier run plus this writer's own: the compaction has two sources to replace.
        using (var earlier = new SegmentJournal(temp.Path, flushToDisk: false, compactAfterDeadBytes: long.MaxValue))
            await OverwriteAsync(earlier, versions: 3);
        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false, compactAfterDeadBytes: long.MaxValue))
        {
            expected = await OverwriteAsync(journal, versions: 5, firstVersion: 10);
            journal.CompactionProbe = s =>
            {
                if (s == step) throw new SimulatedCrashException(s);
            };
            Assert.Throws<SimulatedCrashException>(() => journal.Compact());
        } // the process dies: handles and locks go, files stay as the crash left them

        var leftovers = Directory.GetFiles(temp.Path);
        switch (step)
        {
            case CompactionStep.Written:
                Assert.Single(leftovers, f => f.EndsWith(SegmentJournal.CompactingExtension, StringComparison.Ordinal));
                Assert.Equal(2, Segments(temp.Path).Length);
                break;
            case CompactionStep.Renamed:
                Assert.Equal(3, Segments(temp.Path).Length);
                break;
            case CompactionStep.SourceDeleted:
                Assert.Equal(2, Segments(temp.Path).Length);
                break;
        }
        Assert.Equal(expected, Contents(temp.Path));

        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false, compactAfterDeadBytes: long.MaxValue))
        {
            Assert.Equal(expected, journal.ReadAll().ToDictionary(e => e.Key, e => Text(e.Payload)));
            Assert.Equal(14, journal.Peek("k0")!.Value.Version);
            journal.Compact();
            Assert.Single(Segments(temp.Path));
        }
        Assert.Equal(expected, Contents(temp.Path));
        // Nothing else is left: one segment and its owner file.
        Assert.Equal(2, Directory.GetFiles(temp.Path).Length);
    }

    [Fact]
    public async Task Compact_SegmentWhoseWriterIsAlive_IsKeptUntilTheWriterGoes()
    {
        using var temp = new TempFolder();
        using var other = new SegmentJournal(temp.Path, flushToDisk: false, compactAfterDeadBytes: long.MaxValue);
        await other.AppendAsync(JournalOp.Put, "theirs", 1, Bytes("v1"));
        var theirs = Segments(temp.Path).Single();

        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false, compactAfterDeadBytes: long.MaxValue))
        {
            await OverwriteAsync(journal, versions: 3);
            journal.Compact();
            Assert.True(File.Exists(theirs), "a live writer's segment must never be removed");
            await other.AppendAsync(JournalOp.Put, "theirs", 2, Bytes("v2"));
            Assert.Equal("v2", Text(journal.Get("theirs")!.Payload));
        }
        Assert.Equal("v2", Text(other.Get("theirs")!.Payload));
        Assert.Equal("v2", Contents(temp.Path)["theirs"]);
    }

    [Fact]
    public async Task Compact_OwnerFileLockedByAnotherProcess_SegmentKept()
    {
        using var temp = new TempFolder();
        // A segment written by an earlier version (no owner file) and one whose owner another process holds locked.
        var legacy = Path.Combine(temp.Path, "20250101000000000-legacy" + SegmentJournal.Extension);
        var busy = Path.Combine(temp.Path, "20250101000000001-busy" + SegmentJournal.Extension);
        await WriteSegmentAsync(legacy, ("a", 1, "legacy a1"), ("a", 2, "legacy a2"), ("b", 1, "legacy b1"));
        await WriteSegmentAsync(busy, ("c", 1, "busy c1"));
        using var ownerLock = File.OpenHandle(Path.ChangeExtension(busy, SegmentJournal.OwnerExtension), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);

        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false, compactAfterDeadBytes: long.MaxValue))
        {
            Assert.Equal("legacy a2", Text(journal.Get("a")!.Payload));
            journal.Compact();
            Assert.False(File.Exists(legacy), "a segment without a live writer is compacted away");
            Assert.True(File.Exists(busy), "a segment whose owner file is locked has a live writer");
        }
        var contents = Contents(temp.Path);
        Assert.Equal("legacy a2", contents["a"]);
        Assert.Equal("legacy b1", contents["b"]);
        Assert.Equal("busy c1", contents["c"]);
    }

    [Fact]
    public async Task Read_LeftoverCompactionTempFile_IgnoredThenRemoved()
    {
        using var temp = new TempFolder();
        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false))
            await journal.AppendAsync(JournalOp.Put, "a", 1, Bytes("kept"));
        // A crash mid-write of a compacted segment: a partial file under the temp name, holding a newer value.
        var stray = Path.Combine(temp.Path, "20990101000000000-stray" + SegmentJournal.CompactingExtension);
        var frame = JournalFrame.Encode(JournalOp.Put, "a", 9, long.MaxValue, Bytes("never committed"));
        await File.WriteAllBytesAsync(stray, [.. JournalFrame.Header, .. frame.AsSpan(0, frame.Length - 3)]);

        using (var journal = new SegmentJournal(temp.Path, flushToDisk: false))
        {
            Assert.Equal("kept", Text(journal.Get("a")!.Payload));
            journal.Compact();
        }
        Assert.False(File.Exists(stray));
        Assert.Equal("kept", Contents(temp.Path)["a"]);
    }

    private static async Task WriteSegmentAsync(string path, params (string Key, long Version, string Value)[] frames)
    {
        var bytes = new List<byte>(JournalFrame.Header.ToArray());
        var sequence = 1000L;
        foreach (var (key, version, value) in frames) bytes.AddRange(JournalFrame.Encode(JournalOp.Put, key, version, sequence++, Bytes(value)));
        await File.WriteAllBytesAsync(path, bytes.ToArray());
    }
}
