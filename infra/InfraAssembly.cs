using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AftSweep.Tests")]

namespace AftSweep.Infra;

/// <summary>Marker for locating the infra assembly.</summary>
public static class InfraAssembly;
