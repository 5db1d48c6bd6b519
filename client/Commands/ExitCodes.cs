namespace AftSweep.Client.Commands;

/// <summary>The tool's exit codes (issue 6): scripts rely on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int TrialsFailed = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;
}
