using System.Text.Json;
using AftSweep.Client.Cluster;
using AftSweep.Client.Reporting;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Teachers;
using Microsoft.Extensions.Options;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands;

/// <summary>Which exceptions are the user's input (exit 2, the message says what to fix) rather than a failure (exit 1).</summary>
public static class CliErrorKinds
{
    public static bool IsBadInput(Exception e) => Unwrap(e) is ArgumentException or CommandAppException or DatasetException or TeacherException
        or FeatureStoreException or FileNotFoundException or DirectoryNotFoundException or JsonException or InvalidDataException
        or FormatException or ReportInputException or OptionsValidationException or ClusterUnreachableException or SweepNotFoundException
        or Infra.Database.DatabaseSchemaException or CommandLine.CommandLineException;

    public static string Message(Exception e) => Unwrap(e).Message;

    // A failed host start wraps the cause (a bad store setting, say): report the cause.
    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }
}
