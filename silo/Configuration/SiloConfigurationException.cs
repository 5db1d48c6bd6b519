namespace AftSweep.Silo.Configuration;

/// <summary>A setting the silo cannot use: the message names it and says what was expected; the silo exits 2 without starting.</summary>
public sealed class SiloConfigurationException(string message) : Exception(message);
