namespace AftSweep.Infra;

/// <summary>Marker for locating the infra assembly.</summary>
public static class InfraAssembly;
