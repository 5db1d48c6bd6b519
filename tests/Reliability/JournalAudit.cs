using AftSweep.Infra.Journal;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// Reads every frame of a journal folder's segments, not just each key's latest value: a trial committed twice
/// (two leases both accepted) shows up as two put frames for its key even though a normal read returns one record.
/// </summary>
public static class JournalAudit
{
    /// <summary>Put frames per key across all segments (a torn tail left by a killed writer ends its segment).</summary>
    public static Dictionary<string, int> PutsPerKey(string folder)
    {
        var puts = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!Directory.Exists(folder)) return puts;
        foreach (var path in Directory.EnumerateFiles(folder, "*" + SegmentJournal.Extension))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            if (bytes.Length < JournalFrame.HeaderLength || !bytes.AsSpan(0, JournalFrame.HeaderLength).SequenceEqual(JournalFrame.Header)) continue;
            var position = JournalFrame.HeaderLength;
            while (position < bytes.Length && JournalFrame.TryDecode(bytes.AsSpan(position), position, out var frame, out _))
            {
                if (frame.Op == JournalOp.Put) puts[frame.Key] = puts.GetValueOrDefault(frame.Key) + 1;
                position += frame.FrameLength;
            }
        }
        return puts;
    }
}
