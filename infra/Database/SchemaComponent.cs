using System.Reflection;

namespace AftSweep.Infra.Database;

/// <summary>
/// A versioned part of a database's schema: its migration scripts in order (script n takes it from version n-1 to n).
/// The versions applied are kept in the aftsweep_schema table; scripts are embedded resources (Database/Schema).
/// </summary>
public sealed record SchemaComponent(string Name, IReadOnlyList<string> Scripts)
{
    public int Latest => Scripts.Count;

    /// <summary>The text of the script that brings the component to <paramref name="version"/>.</summary>
    public string Script(int version)
    {
        var resource = $"AftSweep.Infra.Database.Schema.{Scripts[version - 1]}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"schema script {resource} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The state database's own tables (grain state, sweeps, records, the paper-table views).</summary>
    public const string AftSweep = "aftsweep";

    /// <summary>The membership tables and statements of Orleans' ADO.NET clustering provider.</summary>
    public const string OrleansClustering = "orleans-clustering";
}
