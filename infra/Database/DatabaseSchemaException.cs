namespace AftSweep.Infra.Database;

/// <summary>The database's schema is missing, older than this build needs, or newer than it knows; the message says what to run.</summary>
public sealed class DatabaseSchemaException(string message) : Exception(message);
