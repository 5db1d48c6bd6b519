using System.Text.Json;
using System.Text.RegularExpressions;
using AftSweep.Contracts.Methods;

namespace AftSweep.Contracts.Grid.Parsing;

internal sealed partial class GridReader
{
    private const string LambdaRule = "must be a non-empty list of positive numbers";

    /// <summary>Fields of the training block; every one may also be overridden per method.</summary>
    private static readonly string[] TrainingFields = ["steps", "batchSize", "optimizer", "lr", "weightDecay", "priorLr", "device", "timeoutSeconds"];

    private IReadOnlyList<MethodSpec>? ReadMethods(JsonElement e, string path)
    {
        var before = _problems.Count;
        var r = ObjectReader.Open(e, path, _problems, allowed: null);
        if (r is null) return null;
        if (!r.Fields.Any())
        {
            _problems.Add(path, $"must list at least one method (one of {Names(MethodCatalog.Names)})");
            return null;
        }
        var methods = new List<MethodSpec>();
        foreach (var (id, options) in r.Fields)
        {
            var methodPath = r.PathOf(id);
            if (Method(id) is not { } info)
            {
                _problems.Add(methodPath, $"unknown method {JsonValues.Quote(id)}{Suggest.DidYouMean(id, MethodCatalog.Names)} (methods: {Names(MethodCatalog.Names)})");
                continue;
            }
            if (ReadMethod(options, methodPath, info) is { } spec) methods.Add(spec);
        }
        return _problems.Count > before ? null : methods;
    }

    private MethodSpec? ReadMethod(JsonElement e, string path, MethodInfo info)
    {
        var before = _problems.Count;
        var bilevel = info.Id == MethodId.AftBilevel;
        string[] allowed = [.. TrainingFields, "lambdas", .. bilevel ? new[] { "innerSteps" } : []];
        var r = ObjectReader.Open(e, path, _problems, allowed,
            name => name == "innerSteps" ? "innerSteps only applies to aft-bilevel" : null);
        if (r is null) return null;

        IReadOnlyList<double> lambdas = [];
        if (info.IsRegularised)
        {
            if (r.Optional("lambdas") is { } l) lambdas = ReadLambdas(l, r.PathOf("lambdas")) ?? [];
            else _problems.Add(r.PathOf("lambdas"), $"{LambdaRule} ({info.Name} is regularised and needs a lambda grid)");
        }
        else r.Forbid("lambdas", $"{info.Name} has no regulariser, so it takes no lambdas");

        var overrides = ReadTrainingFields(r);
        if (bilevel && r.Optional("innerSteps") is { } k)
            overrides = overrides with { InnerSteps = JsonValues.Int(k, r.PathOf("innerSteps"), _problems, 1, 10_000, "an integer from 1 to 10000") };
        return _problems.Count > before ? null : new MethodSpec { Method = info.Id, Lambdas = lambdas, Overrides = overrides };
    }

    private IReadOnlyList<double>? ReadLambdas(JsonElement e, string path)
    {
        var items = JsonValues.List(e, path, _problems, 1000, "a non-empty list of positive numbers");
        if (items is null) return null;
        if (items.Count == 0)
        {
            _problems.Add(path, LambdaRule);
            return null;
        }
        var lambdas = new List<double>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = JsonPath.Index(path, i);
            if (JsonValues.Number(items[i], itemPath, _problems, v => v > 0, "a positive number") is not { } v) continue;
            if (lambdas.Contains(v)) _problems.Add(itemPath, $"duplicate lambda {items[i].GetRawText()}");
            else lambdas.Add(v);
        }
        return lambdas.Count == items.Count ? lambdas : null;
    }

    private TrainingConfig? ReadTrainingBlock(JsonElement e, string path)
    {
        var before = _problems.Count;
        var r = ObjectReader.Open(e, path, _problems, TrainingFields,
            name => name == "innerSteps" ? "innerSteps is set per method: methods.aft-bilevel.innerSteps" : null);
        if (r is null) return null;
        var config = ReadTrainingFields(r);
        return _problems.Count > before ? null : config;
    }

    /// <summary>The training fields present in <paramref name="r"/> (the grid's block, or a method's overrides).</summary>
    private TrainingConfig ReadTrainingFields(ObjectReader r)
    {
        int? Int(string name, int max) => r.Optional(name) is { } v
            ? JsonValues.Int(v, r.PathOf(name), _problems, 1, max, $"a positive integer (at most {max:N0})") : null;
        double? Number(string name, Func<double, bool> accept, string rule) => r.Optional(name) is { } v
            ? JsonValues.Number(v, r.PathOf(name), _problems, accept, rule) : null;

        string? optimizer = null;
        if (r.Optional("optimizer") is { } o && JsonValues.String(o, r.PathOf("optimizer"), _problems, 100) is { } os)
        {
            if (os == "adam") optimizer = os;
            else _problems.Add(r.PathOf("optimizer"), $"must be \"adam\" (the only optimiser of grid.json v1), got {JsonValues.Quote(os)}");
        }
        string? device = null;
        if (r.Optional("device") is { } d && JsonValues.String(d, r.PathOf("device"), _problems, 100) is { } ds)
        {
            if (DevicePattern().IsMatch(ds)) device = ds;
            else _problems.Add(r.PathOf("device"), $"must be \"auto\", \"cpu\" or \"cuda:N\", got {JsonValues.Quote(ds)}");
        }
        return new TrainingConfig
        {
            Steps = Int("steps", 100_000_000),
            BatchSize = Int("batchSize", 1_000_000),
            Optimizer = optimizer,
            Lr = Number("lr", v => v > 0, "a positive number"),
            WeightDecay = Number("weightDecay", v => v >= 0, "a non-negative number"),
            PriorLr = Number("priorLr", v => v > 0, "a positive number"),
            Device = device,
            TimeoutSeconds = Number("timeoutSeconds", v => v > 0, "a positive number of seconds"),
        };
    }

    private SelectionSpec? ReadSelection(JsonElement e, string path)
    {
        var before = _problems.Count;
        var r = ObjectReader.Open(e, path, _problems, ["holdoutFraction", "splitSeed", "seeds"]);
        if (r is null) return null;
        var holdout = r.Optional("holdoutFraction") is { } h
            ? JsonValues.Number(h, r.PathOf("holdoutFraction"), _problems, v => v is > 0 and < 1, "a number strictly between 0 and 1")
            : SelectionSpec.DefaultHoldoutFraction;
        var splitSeed = r.Optional("splitSeed") is { } s
            ? JsonValues.Int(s, r.PathOf("splitSeed"), _problems, 0, int.MaxValue, "a non-negative integer")
            : SelectionSpec.DefaultSplitSeed;
        IReadOnlyList<int>? seeds = r.Optional("seeds") is { } ss ? JsonValues.Seeds(ss, r.PathOf("seeds"), _problems) : [0];
        return _problems.Count > before ? null : new SelectionSpec { HoldoutFraction = holdout!.Value, SplitSeed = splitSeed!.Value, Seeds = seeds! };
    }

    [GeneratedRegex("^(auto|cpu|cuda:[0-9]{1,3})$")]
    private static partial Regex DevicePattern();
}
