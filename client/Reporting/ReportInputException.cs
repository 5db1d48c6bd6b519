namespace AftSweep.Client.Reporting;

/// <summary>The records (or the options) cannot produce what was asked for; the message says what is missing. Exit code 2.</summary>
public sealed class ReportInputException(string message) : Exception(message);
