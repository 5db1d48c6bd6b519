using AftSweep.Contracts.Methods;

namespace AftSweep.Contracts.Grid;

/// <summary>One entry of the grid's "methods" object: the lambda grid and per-method training overrides.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.MethodSpec.v1")]
public sealed record MethodSpec
{
    [Id(0)] public required MethodId Method { get; init; }
    /// <summary>Empty for stl, scratch and linear-probe.</summary>
    [Id(1)] public IReadOnlyList<double> Lambdas { get; init; } = [];
    [Id(2)] public TrainingConfig Overrides { get; init; } = new();

    public MethodInfo Info => MethodCatalog.Get(Method);
}
