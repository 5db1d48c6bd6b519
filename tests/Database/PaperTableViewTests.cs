using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Database;
using AftSweep.Infra.Database.Sqlite;
using AftSweep.Infra.Records;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Reporting;

namespace AftSweep.Tests.Database;

/// <summary>
/// The paper_table view (plain SQL in the schema) gives what the tool's own reporting computes from the same records
/// (SweepTables.FromRecords): per method and teacher combination, the chosen lambda and the final accuracy's mean and
/// SE over seeds. And the query docs/cluster.md shows, run through the sqlite3 command-line tool, answers the same.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PaperTableViewTests(PostgresServer server)
{
    private const string GridName = "synth-grid";

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task PaperTableView_MatchesSweepTables(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        var records = await WriteSweepAsync(lease.Database);

        var rows = new List<(string Method, string Combo, double? Lambda, long N, double Mean, double? Se, string Grid)>();
        await using (var connection = await lease.Database.OpenReaderAsync(CancellationToken.None))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT method, combo, lambda, n, mean, se, grid_name FROM paper_table WHERE sweep_id = @sweep";
            SqlDialect.Add(command, "sweep", SyntheticSweep.SweepId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add((reader.GetString(0), reader.GetString(1), Nullable(reader, 2), reader.GetInt64(3), reader.GetDouble(4), Nullable(reader, 5), reader.GetString(6)));
        }

        var expected = SweepTables.FromRecords(records).Where(c => c.Final.Count > 0).ToList();
        Assert.Equal(expected.Count, rows.Count);
        foreach (var cell in expected)
        {
            var row = Assert.Single(rows, r => r.Method == cell.Method.NameOf() && r.Combo == cell.Combo);
            Assert.Equal(GridName, row.Grid);
            Assert.Equal(cell.Final.Count, row.N);
            Assert.Equal(cell.Final.Mean, row.Mean, 12);
            if (cell.Final.StandardError is { } se) Assert.Equal(se, row.Se!.Value, 12);
            else Assert.Null(row.Se);
            if (cell.Choice is { } choice) Assert.Equal(choice.Lambda, row.Lambda);
        }
        // The tie (aft|b: lambdas 0.1 and 1 score the same) goes to the smaller lambda, as LambdaSelection decides.
        Assert.Equal(0.1, rows.Single(r => r.Method == "aft" && r.Combo == "b").Lambda);
    }

    [Fact]
    public async Task DocumentedQuery_ThroughTheSqlite3Tool_AnswersThePaperTable()
    {
        using var temp = new TempDirectory("aftsweep-db-");
        List<TrialRecord> records;
        string file;
        await using (var lease = StateDatabases.Sqlite(temp.Sub("state"), flushToDisk: false))
        {
            records = await WriteSweepAsync(lease.Database);
            file = ((SqliteStateDatabase)lease.Database).File;
        }
        var query = DocumentedQuery();

        var start = new ProcessStartInfo("sqlite3") { ArgumentList = { "-json", file, query } };
        var result = await ChildProcess.RunAsync(start, TimeSpan.FromSeconds(30));

        Assert.True(result.Code == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var rows = json.RootElement.EnumerateArray().ToList();
        var expected = SweepTables.FromRecords(records).Where(c => c.Final.Count > 0).ToList();
        Assert.Equal(expected.Count, rows.Count);
        foreach (var cell in expected)
        {
            var row = Assert.Single(rows, r => r.GetProperty("method").GetString() == cell.Method.NameOf() && r.GetProperty("combo").GetString() == cell.Combo);
            Assert.Equal(GridName, row.GetProperty("grid_name").GetString());
            Assert.Equal(cell.Final.Count, row.GetProperty("n").GetInt32());
            Assert.Equal(Math.Round(100 * cell.Final.Mean, 1), row.GetProperty("mean_pct").GetDouble(), 9);
            if (cell.Final.StandardError is { } se) Assert.Equal(Math.Round(100 * se, 1), row.GetProperty("se_pct").GetDouble(), 9);
            else Assert.Equal(JsonValueKind.Null, row.GetProperty("se_pct").ValueKind);
        }
    }

    /// <summary>The SQL of the `sqlite3 -header -column .aftsweep/state/aftsweep.db "SELECT ... FROM paper_table ..."` example in docs/cluster.md.</summary>
    private static string DocumentedQuery()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "cluster.md"));
        var example = doc.IndexOf("sqlite3 -header -column .aftsweep/state/aftsweep.db", StringComparison.Ordinal);
        Assert.True(example > 0, "docs/cluster.md shows no sqlite3 query");
        var open = doc.IndexOf('"', example);
        var close = doc.IndexOf('"', open + 1);
        var sql = doc[(open + 1)..close].ReplaceLineEndings(" ");
        Assert.Contains("FROM paper_table", sql);
        return sql;
    }

    /// <summary>The hand-worked synthetic sweep (tests/Reporting/SyntheticSweep), with hashed trial ids as the store requires.</summary>
    private static async Task<List<TrialRecord>> WriteSweepAsync(StateDatabase database)
    {
        var store = new DatabaseRecordStore(database);
        var records = SyntheticSweep.Build().Select(r => r with { Spec = r.Spec with { Id = Hash(r.Spec.Id) } }).ToList();
        await store.RegisterSweepAsync(new SweepEntry(SyntheticSweep.SweepId, GridName, "synth", records.Count, DateTimeOffset.UtcNow));
        await Task.WhenAll(records.Select(r => store.WriteAsync(r)));
        return records;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private static double? Nullable(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : Convert.ToDouble(reader.GetValue(column), CultureInfo.InvariantCulture);
}
