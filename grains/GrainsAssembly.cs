namespace AftSweep.Grains;

/// <summary>Marker for locating the grains assembly (Orleans application parts, tests).</summary>
public static class GrainsAssembly;
