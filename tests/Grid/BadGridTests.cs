using AftSweep.Contracts.Grid;

namespace AftSweep.Tests.Grid;

/// <summary>The bad-grid corpus (tests/Grids/bad): each file must be refused with its expected message, and every
/// file in the folder must have an expectation here.</summary>
public sealed class BadGridTests
{
    /// <summary>File name (without .json) -> a fragment of the expected problem line ("{GRIDS}" = the Grids folder).</summary>
    public static readonly TheoryData<string, string> Cases = new()
    {
        { "not-json", "$: not valid JSON at line 3" },
        { "trailing-garbage", "trailing garbage" },
        { "unknown-field", "training.stpes: unknown field; did you mean 'steps'?" },
        { "unknown-field-nested", "dataset.limit.tran: unknown field; did you mean 'train'?" },
        { "unknown-field-top", "seed: unknown field; did you mean 'seeds'?" },
        { "missing-required", "seeds: required field is missing" },
        { "missing-required-dataset-name", "dataset.name: required field is missing" },
        { "wrong-type-steps", "training.steps: must be a positive integer (at most 100,000,000), got the string \"10\"" },
        { "wrong-type-seeds", "seeds: must be a non-empty list of distinct non-negative integers, got the string" },
        { "wrong-type-dataset", "dataset: must be an object, got a list" },
        { "unknown-method", "methods.adt: unknown method \"adt\"; did you mean 'aft'?" },
        { "lambdas-missing", "methods.kd.lambdas: must be a non-empty list of positive numbers" },
        { "lambdas-empty", "methods.kd.lambdas: must be a non-empty list of positive numbers" },
        { "lambdas-nonpositive", "methods.aft.lambdas[1]: must be a positive number, got the number 0" },
        { "lambdas-negative", "methods.aft.lambdas[0]: must be a positive number, got the number -1" },
        { "lambdas-duplicate", "methods.kd.lambdas[1]: duplicate lambda" },
        { "lambdas-on-stl", "methods.stl.lambdas: stl has no regulariser, so it takes no lambdas" },
        { "lambdas-on-scratch", "methods.scratch.lambdas: scratch has no regulariser, so it takes no lambdas" },
        { "lambdas-on-linear-probe", "methods.linear-probe.lambdas: linear-probe has no regulariser, so it takes no lambdas" },
        { "combo-unknown-teacher", "combos[0][0]: unknown teacher \"minilmm\"; did you mean 'minilm'?" },
        { "combo-empty", "combos[1]: is an empty combo" },
        { "combo-same-teacher-twice", "combos[0][1]: teacher 'minilm' appears twice in this combo" },
        { "combo-duplicate", "combos[2]: duplicate combo: same teachers as combos[1]" },
        { "combos-missing-for-teacher-methods", "$: linear-probe, kd, aft use teachers, so at least one combo is needed" },
        { "seeds-duplicate", "seeds[2]: duplicate seed 0" },
        { "seed-negative", "seeds[1]: must be a non-negative integer seed, got the number -1" },
        { "selection-seed-negative", "selection.seeds[0]: must be a non-negative integer seed, got the number -3" },
        { "steps-zero", "training.steps: must be a positive integer" },
        { "steps-negative-override", "methods.aft.steps: must be a positive integer" },
        { "batchsize-zero", "training.batchSize: must be a positive integer" },
        { "lr-zero", "training.lr: must be a positive number, got the number 0" },
        { "lr-negative-override", "methods.kd.lr: must be a positive number, got the number -0.001" },
        { "holdout-zero", "selection.holdoutFraction: must be a number strictly between 0 and 1, got the number 0" },
        { "holdout-one", "selection.holdoutFraction: must be a number strictly between 0 and 1, got the number 1" },
        { "dataset-file-missing", "dataset.train: file not found: {GRIDS}/data/tiny/missing.tsv" },
        { "unknown-format", "dataset.format: unknown format \"parquet\" (expected one of tsv, csv, image-tar, image-folder, idx, npy)" },
        { "unknown-kind", "dataset.kind: unknown kind \"txt\"" },
        { "format-kind-mismatch", "dataset.format: format 'npy' cannot hold text datasets (it holds vectors)" },
        { "text-columns-missing", "dataset.text: required field is missing" },
        { "text-columns-too-many", "dataset.text: has 3 entries; at most 2 are allowed" },
        { "column-not-in-header", "dataset.label: column 'lable' is not in the header of {GRIDS}/data/tiny/train.tsv (columns: sentence, label); did you mean 'label'?" },
        { "column-name-without-header", "dataset.label: column names need a header row (header is false)" },
        { "template-unknown-placeholder", "dataset.template: placeholder {sentense} is not one of the text columns (sentence); did you mean 'sentence'?" },
        { "template-on-vectors", "dataset.template: only applies to text datasets" },
        { "idx-source-shape", "dataset.train: must be an object {\"images\": path, \"labels\": path} for format idx, got the string" },
        { "npy-source-missing-y", "dataset.test.y: required field is missing" },
        { "tsv-source-shape", "dataset.test: must be a path (a string) for format tsv, got a list" },
        { "image-tar-glob-no-match", "dataset.train: no file matches {GRIDS}/data/files/none_*.tar.gz" },
        { "image-tar-not-tar", "dataset.test[0]: must name .tar.gz, .tgz or .tar files" },
        { "label-on-image-format", "dataset.label: only applies to tsv and csv datasets (image-tar carries its own labels)" },
        { "model-kind-mismatch", "downstream.model: model 'cnn-small' needs image data, but dataset.kind is text" },
        { "unknown-model", "downstream.model: unknown model \"text-transfomer\"" },
        { "init-file-missing", "downstream.init: file not found: {GRIDS}/data/files/missing.bin" },
        { "teacher-unknown-builtin", "teachers.minilm: unknown built-in model 'minilmv2'" },
        { "teacher-unknown-kind", "teachers.minilm: unknown teacher spec 'hf:minilm'" },
        { "teacher-noise-zero", "teachers.noise: noise teacher must be noise:D with D an integer from 1 to 1000000 (got 'noise:0')" },
        { "teacher-kind-mismatch", "teachers.minilm: teacher \"onnx:resnet18-imagenet\" reads image data, but dataset.kind is text" },
        { "teacher-onnx-file-bad-input", "teachers.minilm: onnx-file input must be 'image' or 'text' (got 'audio')" },
        { "teacher-onnx-file-no-query", "teachers.minilm: onnx-file teacher needs a path and a query" },
        { "teacher-onnx-file-missing", "teachers.minilm: file not found: {GRIDS}/data/files/missing.onnx" },
        { "teacher-features-missing", "teachers.noise: folder not found: {GRIDS}/data/files/nofeats" },
        { "teacher-unsafe-name", "teachers[\"a/b\"]: \"a/b\" is not a valid teacher name" },
        { "unsafe-grid-name", "name: \"../evil\" is not a valid name" },
        { "unsafe-dataset-name", "dataset.name: \"tiny data\" is not a valid name" },
        { "optimizer-not-adam", "training.optimizer: must be \"adam\" (the only optimiser of grid.json v1), got \"sgd\"" },
        { "device-bad", "training.device: must be \"auto\", \"cpu\" or \"cuda:N\", got \"gpu\"" },
        { "number-huge", "training.lr: must be a positive number, got the number 1e300" },
        { "number-overflow", "training.lr: must be a positive number, got the number 1e400" },
        { "number-nan-string", "training.lr: must be a positive number, got the string \"NaN\"" },
        { "number-nan-literal", "$: not valid JSON at line" },
        { "int-fraction", "training.batchSize: must be a positive integer (at most 1,000,000), got the number 4.5" },
        { "inner-steps-wrong-method", "methods.kd.innerSteps: innerSteps only applies to aft-bilevel" },
        { "inner-steps-in-training", "training.innerSteps: innerSteps is set per method: methods.aft-bilevel.innerSteps" },
        { "methods-empty", "methods: must list at least one method" },
        { "duplicate-key", "seeds: appears more than once" },
        { "top-level-not-object", "$: must be an object, got a list" },
        { "too-deep", "maximum configured depth" },
        { "too-many-trials", "$: the grid expands to 100,002 trials (100,000 selection + 2 final), more than the cap of 100,000" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ParseFile_BadGrid_ReportsExpectedProblem(string name, string expected)
    {
        var result = GridParser.ParseFile(Path.Combine(TestPaths.BadGrids, name + ".json"));

        Assert.False(result.IsValid);
        Assert.Null(result.Spec);
        var fragment = expected.Replace("{GRIDS}", TestPaths.Grids, StringComparison.Ordinal);
        var lines = result.Problems.Select(p => p.ToString()).ToList();
        Assert.True(lines.Any(l => l.Contains(fragment, StringComparison.Ordinal)),
            $"expected a problem containing\n  {fragment}\ngot\n  {string.Join("\n  ", lines)}");
    }

    [Fact]
    public void Corpus_EveryFile_HasAnExpectedMessage()
    {
        var covered = Cases.Select(c => (string)c[0]).ToHashSet();
        var files = Directory.EnumerateFiles(TestPaths.BadGrids, "*.json").Select(Path.GetFileNameWithoutExtension).ToList();

        Assert.NotEmpty(files);
        Assert.Equal(covered.Order(StringComparer.Ordinal), files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Problem_WithLineBreaksInTheMessage_RendersOnOneLine()
    {
        var problem = Assert.Single(GridParser.ParseFile(Path.Combine(TestPaths.BadGrids, "not-json.json")).Problems);

        Assert.Contains('\n', problem.Message);
        Assert.DoesNotContain('\n', problem.ToString());
        Assert.StartsWith("$: not valid JSON at line 3, column 15: 'nope\\n}\\n'", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ParseFile_GridOverOneMiB_IsRefusedBeforeParsing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"aftsweep-big-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, "{\"name\": \"" + new string('x', 1024 * 1024) + "\"}");

            var result = GridParser.ParseFile(path);

            var problem = Assert.Single(result.Problems);
            Assert.Equal("$", problem.Path);
            Assert.Contains("the limit is 1,048,576 bytes", problem.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ParseFile_MissingFile_SaysNotFoundWithAbsolutePath()
    {
        var path = Path.Combine(TestPaths.Grids, "no-such-grid.json");

        var result = GridParser.ParseFile(path);

        Assert.Equal($"$: grid file not found: {path}", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Parse_SeveralMistakes_ReportsAllOfThemAtOnce()
    {
        var result = GridParser.ParseFile(Path.Combine(TestPaths.BadGrids, "lambdas-missing.json"));
        Assert.Single(result.Problems);

        var json = File.ReadAllText(Path.Combine(TestPaths.BadGrids, "lambdas-missing.json"))
            .Replace("\"steps\": 10", "\"steps\": 0", StringComparison.Ordinal)
            .Replace("\"seeds\": [\n    0,", "\"seeds\": [\n    -1,", StringComparison.Ordinal)
            .Replace("\"name\": \"tiny\"", "\"name\": \"tiny\", \"lables\": 1", StringComparison.Ordinal);
        var many = GridParser.Parse(json, TestPaths.BadGrids);

        var lines = many.Problems.Select(p => p.ToString()).ToList();
        Assert.Contains("methods.kd.lambdas: must be a non-empty list of positive numbers (kd is regularised and needs a lambda grid)", lines);
        Assert.Contains("training.steps: must be a positive integer (at most 100,000,000), got the number 0", lines);
        Assert.Contains("seeds[0]: must be a non-negative integer seed, got the number -1", lines);
        Assert.Contains("dataset.lables: unknown field; did you mean 'label'?", lines);
    }

    [Fact]
    public void Parse_TrialCap_IsConfigurable()
    {
        var quickstart = Path.Combine(TestPaths.Examples, "quickstart.json");

        var capped = GridParser.ParseFile(quickstart, GridParserOptions.Default with { MaxTrials = 25 });
        var exact = GridParser.ParseFile(quickstart, GridParserOptions.Default with { MaxTrials = 26 });

        Assert.Contains("expands to 26 trials (6 selection + 20 final), more than the cap of 25", Assert.Single(capped.Problems).Message, StringComparison.Ordinal);
        Assert.True(exact.IsValid);
    }
}
