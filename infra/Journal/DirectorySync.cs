using System.Runtime.InteropServices;

namespace AftSweep.Infra.Journal;

/// <summary>
/// Makes a rename or a deletion in a folder durable (fsync of the folder itself), which .NET has no API for. A no-op
/// where the platform has no such call (Windows makes renames durable itself).
/// </summary>
internal static class DirectorySync
{
    public static void Flush(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())) return;
        var fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"{directory}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"{directory}: fsync of the folder failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}

/// <summary>Whether .NET's advisory file locks (what FileShare.None takes on Unix) are switched off in this process.</summary>
internal static class FileLocking
{
    public static bool Disabled { get; } =
        (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled)
        || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true" or "TRUE" or "True";
}
