using System.Text.Json;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;

namespace AftSweep.Client.Commands.Plan;

/// <summary>
/// The script form of a plan. Stable: fields are only ever added, never renamed or removed (bump "schema" if one
/// must change). Stage-1 trial ids are listed so scripts can match them to records.
/// </summary>
public static class PlanJson
{
    public const int Schema = 1;

    public static void Write(SweepPlan plan, TextWriter w)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", Schema);
            json.WriteString("sweepId", plan.SweepId);
            json.WriteString("grid", plan.Grid.Name);
            json.WriteString("dataset", plan.Grid.Dataset.Name);
            json.WriteString("datasetFingerprint", plan.DatasetFingerprint);
            json.WriteNumber("cells", plan.Cells.Count);
            json.WriteNumber("selectionTrials", plan.SelectionTrialCount);
            json.WriteNumber("finalTrials", plan.FinalTrialCount);
            json.WriteNumber("totalTrials", plan.TotalTrialCount);
            json.WriteStartArray("methods");
            foreach (var row in PlanMethodRow.Of(plan))
            {
                json.WriteStartObject();
                json.WriteString("method", row.Method);
                json.WriteNumber("cells", row.Cells);
                json.WriteStartArray("lambdas");
                foreach (var l in row.Lambdas) json.WriteNumberValue(l);
                json.WriteEndArray();
                json.WriteNumber("selectionTrials", row.SelectionTrials);
                json.WriteNumber("finalTrials", row.FinalTrials);
                json.WriteNumber("totalTrials", row.TotalTrials);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("cellPlans");
            foreach (var cell in plan.Cells)
            {
                json.WriteStartObject();
                json.WriteString("key", cell.Key);
                json.WriteString("method", cell.Method.NameOf());
                json.WriteStartArray("combo");
                foreach (var t in cell.Combo) json.WriteStringValue(t.Name);
                json.WriteEndArray();
                json.WriteNumber("selectionTrials", cell.SelectionTrials.Count);
                json.WriteNumber("finalTrials", cell.FinalSeeds.Count);
                json.WriteStartArray("selectionTrialIds");
                foreach (var t in cell.SelectionTrials) json.WriteStringValue(t.Id);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        w.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
