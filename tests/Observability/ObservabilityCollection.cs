namespace AftSweep.Tests.Observability;

/// <summary>
/// The stack tests run alone: OpenTelemetry subscribes to meters by name process-wide, so silos that other test
/// classes start and stop in this process would otherwise feed (and, when disposed, reset) the exported series.
/// A real silo is one process, so this only concerns tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservabilityCollection
{
    public const string Name = "Observability stack";
}
