using System.Text.Json.Nodes;
using AftSweep.Contracts.Trials;

namespace AftSweep.Tests.Reporting;

public sealed class TrialRecordJsonTests
{
    private static readonly TrialRecord Sample = SyntheticSweep.Build().First(r => r.Spec.ComboKey == "a+b" && r.Status == TrialStatus.Succeeded && r.Result!.RhoByTeacher.Count > 0);

    [Fact]
    public void Serialize_Record_CamelCaseWithEnumsAsStrings()
    {
        var json = JsonNode.Parse(TrialRecordJson.Serialize(Sample))!;

        Assert.Equal(TrialRecord.CurrentSchema, (int)json["schema"]!);
        Assert.Equal("succeeded", (string)json["status"]!);
        Assert.Equal("final", (string)json["spec"]!["stage"]!);
        Assert.Equal("aft", (string)json["spec"]!["method"]!);
        Assert.Equal("vectors", (string)json["spec"]!["dataset"]!["kind"]!);
        Assert.Equal(3.0, (double)json["result"]!["rhoByTeacher"]![0]!["sum"]!);
        Assert.Null(json["spec"]!["comboKey"]); // derived, not stored
        Assert.Null(json["result"]!["rhoByTeacher"]![0]!["mean"]);
    }

    [Fact]
    public void Deserialize_SerializedRecord_RoundTripsExactly()
    {
        var text = TrialRecordJson.Serialize(Sample);
        var back = TrialRecordJson.Deserialize(text, "sample.json");

        Assert.Equal(text, TrialRecordJson.Serialize(back));
        Assert.Equal(Sample.Spec.Combo, back.Spec.Combo);
        Assert.Equal(Sample.Result!.Accuracy, back.Result!.Accuracy);
    }

    [Fact]
    public void Deserialize_AblationMethod_UsesCatalogName()
    {
        var record = SyntheticSweep.Build().First(r => r.Spec.Method == AftSweep.Contracts.Methods.MethodId.AftIdentity);
        var json = TrialRecordJson.Serialize(record);

        Assert.Contains("\"method\": \"aft-identity\"", json);
        Assert.Equal(record.Spec.Method, TrialRecordJson.Deserialize(json, "r.json").Spec.Method);
    }

    [Fact]
    public void Deserialize_NewerSchema_RefusedWithUpgradeHint()
    {
        var json = JsonNode.Parse(TrialRecordJson.Serialize(Sample))!;
        json["schema"] = TrialRecord.CurrentSchema + 1;

        var e = Assert.Throws<InvalidDataException>(() => TrialRecordJson.Deserialize(json.ToJsonString(), "t1.json"));
        Assert.StartsWith($"t1.json: schema: {TrialRecord.CurrentSchema + 1}", e.Message);
        Assert.Contains("newer", e.Message);
    }

    [Fact]
    public void Deserialize_Schema1RecordWithoutProbe_ReadsWithNoProbe()
    {
        // Schema 1 (before the converged linear probe) had no result.probe.
        var json = JsonNode.Parse(TrialRecordJson.Serialize(Sample))!;
        json["schema"] = 1;
        json["result"]!.AsObject().Remove("probe");

        var record = TrialRecordJson.Deserialize(json.ToJsonString(), "old.json");
        Assert.Equal(1, record.Schema);
        Assert.Null(record.Result!.Probe);
        Assert.Equal(Sample.Result!.Accuracy, record.Result.Accuracy);
    }

    [Fact]
    public void Deserialize_LinearProbeRecord_ProbeRoundTrips()
    {
        var probe = SyntheticSweep.Build().First(r => r.Spec.Method == AftSweep.Contracts.Methods.MethodId.LinearProbe);
        probe = probe with { Result = probe.Result! with { Probe = PairedComparisonTests.Probe(1e-3, 33, converged: true) } };
        var text = TrialRecordJson.Serialize(probe);

        var back = TrialRecordJson.Deserialize(text, "lp.json").Result!.Probe!;
        Assert.Equal(1e-3, back.L2);
        Assert.Equal(probe.Result.Probe!.Candidates, back.Candidates);
        Assert.Equal("gradient", back.Stop);
        Assert.Null(JsonNode.Parse(text)!["result"]!["probe"]!["atEdge"]); // derived, not stored
        Assert.Equal(text, TrialRecordJson.Serialize(TrialRecordJson.Deserialize(text, "lp.json")));
    }

    [Fact]
    public void Deserialize_MissingSchema_Refused()
    {
        var json = JsonNode.Parse(TrialRecordJson.Serialize(Sample))!.AsObject();
        json.Remove("schema");

        var e = Assert.Throws<InvalidDataException>(() => TrialRecordJson.Deserialize(json.ToJsonString(), "t1.json"));
        Assert.Contains("schema: missing", e.Message);
    }

    [Fact]
    public void Deserialize_UnknownMethod_ErrorNamesMethodAndFile()
    {
        var json = JsonNode.Parse(TrialRecordJson.Serialize(Sample))!;
        json["spec"]!["method"] = "aft-magic";

        var e = Assert.Throws<InvalidDataException>(() => TrialRecordJson.Deserialize(json.ToJsonString(), "t1.json"));
        Assert.StartsWith("t1.json:", e.Message);
        Assert.Contains("aft-magic", e.Message);
    }

    [Fact]
    public void Deserialize_MissingRequiredField_ErrorNamesField()
    {
        var json = JsonNode.Parse(TrialRecordJson.Serialize(Sample))!;
        json["result"]!.AsObject().Remove("accuracy");

        var e = Assert.Throws<InvalidDataException>(() => TrialRecordJson.Deserialize(json.ToJsonString(), "t1.json"));
        Assert.Contains("accuracy", e.Message);
    }

    [Fact]
    public void Deserialize_UnknownField_Refused()
    {
        var json = JsonNode.Parse(TrialRecordJson.Serialize(Sample))!;
        json["result"]!["acuracy"] = 0.5;

        var e = Assert.Throws<InvalidDataException>(() => TrialRecordJson.Deserialize(json.ToJsonString(), "t1.json"));
        Assert.Contains("acuracy", e.Message);
    }

    [Fact]
    public void WriteFile_Record_ReadFileReturnsIt()
    {
        var folder = Directory.CreateTempSubdirectory("aftsweep-records-");
        try
        {
            var path = Path.Combine(folder.FullName, "nested", $"{Sample.Spec.Id}.json");
            TrialRecordJson.WriteFile(path, Sample);

            Assert.Equal(TrialRecordJson.Serialize(Sample), TrialRecordJson.Serialize(TrialRecordJson.ReadFile(path)));
            Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
