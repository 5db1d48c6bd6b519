using AftSweep.Contracts.Methods;

namespace AftSweep.Transfer.Regularisers;

/// <summary>Builds the regulariser of a method (null for stl, scratch and linear-probe).</summary>
public static class RegulariserFactory
{
    public static Regulariser? Create(RegulariserSetup setup) =>
        throw new NotImplementedException("being written (issue 3)");
}
