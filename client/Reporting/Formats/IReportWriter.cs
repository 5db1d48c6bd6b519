namespace AftSweep.Client.Reporting.Formats;

/// <summary>Renders a whole <see cref="ResultsReport"/> as one document.</summary>
public interface IReportWriter
{
    string Write(ResultsReport report);
}
