using AftSweep.Client.Cluster;

namespace AftSweep.Client.Commands.ClusterAccess;

/// <summary>Runs a verb's body against a state folder (`--state DIR`) instead of a cluster; a bad folder or sweep is exit 2 with a message.</summary>
public static class StateFolderVerb
{
    public static async Task<int> RunAsync(string folder, CliOutput output, Func<StateFolderSweeps, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(await StateFolderSweeps.ReadAsync(folder, cancellationToken));
        }
        catch (ArgumentException e)
        {
            await output.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }
}
