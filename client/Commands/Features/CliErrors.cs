using AftSweep.Contracts.Storage;
using AftSweep.Transfer.Features;
using Microsoft.Extensions.Options;

namespace AftSweep.Client.Commands.Features;

/// <summary>
/// Turns the errors a verb expects into one line on stderr and an exit code: 2 for bad input or configuration
/// (the message names the file, field or option), 1 for a storage operation that failed after its retries. Anything else is a bug and propagates with its stack.
/// </summary>
public static class CliErrors
{
    public const int BadInput = 2;
    public const int Failed = 1;

    public static async Task<int> RunAsync(TextWriter error, Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (Exception e) when (e is ArgumentException or FeatureStoreException or OptionsValidationException or FileNotFoundException
                                      or DirectoryNotFoundException or InvalidDataException or FormatException
                                      or Transfer.Data.DatasetException or Transfer.Teachers.TeacherException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return BadInput;
        }
        catch (BlobStoreException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return Failed;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled; rerun the same command to resume");
            return Failed;
        }
    }
}
