namespace AftSweep.Silo.Startup;

/// <summary>The silo could not join its cluster (no primary, no membership store): one line, exit 2.</summary>
public sealed class SiloStartException(string message, Exception? inner = null) : Exception(message, inner);
