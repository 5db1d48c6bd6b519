using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Marks one GNU symbol-version requirement of an ELF64 little-endian shared library as weak
// (VER_FLG_WEAK in .gnu.version_r) and rebinds the symbols that named it to the global version
// (index 1 in .gnu.version). The dynamic loader then accepts the library on a libstdc++ that
// lacks the version. Used for TorchSharp's libLibTorchSharp.so on Debian 12 (docs/build.md).
public class AftSweepWeakenGlibcxxVersion : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            try
            {
                var bytes = File.ReadAllBytes(path);
                var changed = Patch(bytes, Version);
                if (changed == 0) continue;
                // Write a new file and move it over the old one, so a hard link into the
                // NuGet cache is never modified in place.
                var temp = path + ".aftsweep-tmp";
                File.WriteAllBytes(temp, bytes);
                File.Delete(path);
                File.Move(temp, path);
                Log.LogMessage(MessageImportance.High, $"aftsweep: weakened {Version} in {path} ({changed} symbol versions rebound)");
            }
            catch (Exception e)
            {
                Log.LogError($"aftsweep: could not patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    // Returns the number of edits made (0 when already patched or not needed).
    private static int Patch(byte[] b, string version)
    {
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("only ELF64 little-endian is supported");

        long shoff = (long)BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);

        long verneedOff = -1, verneedSize = 0, versymOff = -1, versymSize = 0;
        int verneedLink = -1;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            uint type = BitConverter.ToUInt32(b, (int)sh + 4);
            long off = (long)BitConverter.ToUInt64(b, (int)sh + 0x18);
            long size = (long)BitConverter.ToUInt64(b, (int)sh + 0x20);
            if (type == ShtGnuVerneed) { verneedOff = off; verneedSize = size; verneedLink = (int)BitConverter.ToUInt32(b, (int)sh + 0x28); }
            else if (type == ShtGnuVersym) { versymOff = off; versymSize = size; }
        }
        if (verneedOff < 0 || versymOff < 0) return 0;
        long strOff = (long)BitConverter.ToUInt64(b, (int)(shoff + (long)verneedLink * shentsize) + 0x18);

        int edits = 0;
        var targets = new System.Collections.Generic.HashSet<ushort>();
        long vn = verneedOff;
        while (true)
        {
            ushort cnt = BitConverter.ToUInt16(b, (int)vn + 2);
            uint aux = BitConverter.ToUInt32(b, (int)vn + 8);
            uint next = BitConverter.ToUInt32(b, (int)vn + 12);
            long va = vn + aux;
            for (int j = 0; j < cnt; j++)
            {
                ushort flags = BitConverter.ToUInt16(b, (int)va + 4);
                ushort other = BitConverter.ToUInt16(b, (int)va + 6);
                uint name = BitConverter.ToUInt32(b, (int)va + 8);
                if (ReadCString(b, strOff + name) == version)
                {
                    targets.Add(other);
                    if ((flags & VerFlgWeak) == 0)
                    {
                        WriteU16(b, va + 4, (ushort)(flags | VerFlgWeak));
                        edits++;
                    }
                }
                uint anext = BitConverter.ToUInt32(b, (int)va + 12);
                if (anext == 0) break;
                va += anext;
            }
            if (next == 0 || vn + next >= verneedOff + verneedSize) break;
            vn += next;
        }
        if (targets.Count == 0) return 0;

        for (long p = versymOff; p + 1 < versymOff + versymSize; p += 2)
        {
            ushort v = BitConverter.ToUInt16(b, (int)p);
            if (targets.Contains((ushort)(v & 0x7fff)))
            {
                WriteU16(b, p, 1);
                edits++;
            }
        }
        return edits;
    }

    private static string ReadCString(byte[] b, long off)
    {
        int end = (int)off;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)off, end - (int)off);
    }

    private static void WriteU16(byte[] b, long off, ushort v)
    {
        b[off] = (byte)v;
        b[off + 1] = (byte)(v >> 8);
    }
}
