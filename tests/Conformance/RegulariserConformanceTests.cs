using System.Text.Json;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Regularisers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Tests.Conformance;

/// <summary>
/// One test per case of the conformance vectors (float64; values and gradients within rtol 1e-6, atol 1e-9). Each
/// case runs through the regulariser module the trainer uses (its parameters set from the case), not a copy of the
/// math; ft's vectors give T(g) and f(phi), so they check FtRegulariser.Loss, which the module calls.
/// </summary>
public sealed class RegulariserConformanceTests
{
    private const double RelativeTolerance = 1e-6;
    private const double AbsoluteTolerance = 1e-9;

    public static IEnumerable<object[]> Cases => ConformanceVectors.CaseNames.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_ComputedInFloat64_MatchesVectors(string name)
    {
        using var scope = NewDisposeScope();
        var c = ConformanceVectors.Case(name);
        var method = c.GetProperty("method").GetString()!;
        var expect = c.GetProperty("expect");
        var where = $"{ConformanceVectors.FilePath} case '{name}' ({method})";
        if (method == "logme")
        {
            CheckLogMe(c, expect, where);
            return;
        }

        var inputs = new Dictionary<string, Tensor>();
        Tensor r;
        Dictionary<string, Tensor> parameters;
        if (method == "ft")
        {
            // T(g) and f(phi) are given: the vectors check the loss on them, gradients with respect to either.
            inputs["pred"] = Input(c, "pred", where);
            inputs["factor"] = Input(c, "factor", where);
            r = FtRegulariser.Loss(inputs["pred"], inputs["factor"]);
            parameters = [];
        }
        else
        {
            inputs["g"] = Input(c, "g", where);
            inputs["phi"] = Input(c, "phi", where);
            var regulariser = Build(method, c, inputs["g"], inputs["phi"], where, out parameters);
            r = regulariser.Compute(inputs["g"], inputs["phi"]);
        }
        r.backward();

        var checkedAny = false;
        foreach (var e in expect.EnumerateObject())
        {
            var expected = VectorArray.Parse(e.Value, $"{where} expect.{e.Name}");
            Tensor actual;
            if (e.Name == "R") actual = r;
            else if (e.Name.StartsWith("dR_d", StringComparison.Ordinal))
            {
                var of = e.Name["dR_d".Length..];
                var leaf = inputs.GetValueOrDefault(of) ?? parameters.GetValueOrDefault(of)
                    ?? throw new InvalidOperationException($"{where}: expect.{e.Name} names '{of}', which is neither an input nor a parameter of {method}");
                actual = leaf.grad ?? zeros_like(leaf);      // a leaf R does not depend on has a zero gradient
            }
            else throw new InvalidOperationException($"{where}: unknown expected quantity '{e.Name}'");
            AssertClose(expected, actual, $"{where} {e.Name}");
            checkedAny = true;
        }
        Assert.True(checkedAny, $"{where}: the case expects nothing");
    }

    private static Regulariser Build(string method, JsonElement c, Tensor g, Tensor phi, string where, out Dictionary<string, Tensor> parameters)
    {
        var ds = (int)g.shape[1];
        var dp = (int)phi.shape[1];
        var generator = new Generator(0);
        Regulariser regulariser = method switch
        {
            "aft" => new AftRegulariser(dp),
            "aft-identity" => new AftIdentityRegulariser(dp),
            "aft-rbf" => new AftRbfRegulariser(dp),
            "aft-bilevel" => new AftBilevelRegulariser(dp, 5),
            "aft-dense" => new AftDenseRegulariser(dp, generator),
            "aft-nokernel" => new AftNoKernelRegulariser(ds, dp, generator),
            "kd" => new KdRegulariser(ds, dp, generator),
            "kernel-kd" => new KernelKdRegulariser(ds, generator),
            "rkd" => new RkdRegulariser(),
            _ => throw new InvalidOperationException($"{where}: no regulariser for method '{method}'"),
        };
        regulariser.to(ScalarType.Float64);
        parameters = [];
        switch (regulariser)
        {
            case AftRegulariser aft:
                parameters["s"] = Set(aft.S, c, "s", where);
                aft.S.requires_grad = true;                         // aft-identity freezes s; its gradient is still defined
                break;
            case AftDenseRegulariser dense:
                parameters["s"] = Set(dense.S, c, "s", where);
                break;
            case AftNoKernelRegulariser noKernel:
                SetMap(noKernel.Map, c, where, parameters);
                break;
            case KdRegulariser kd:
                SetMap(kd.Map, c, where, parameters);
                break;
            case KernelKdRegulariser kernelKd:
                SetMap(kernelKd.Map, c, where, parameters);
                break;
        }
        return regulariser;
    }

    private static void SetMap(Linear map, JsonElement c, string where, Dictionary<string, Tensor> parameters)
    {
        parameters["weight"] = Set(map.weight!, c, "weight", where);
        parameters["bias"] = Set(map.bias!, c, "bias", where);
    }

    private static Tensor Set(Parameter parameter, JsonElement c, string field, string where)
    {
        using var value = Input(c, field, where);
        Assert.True(parameter.shape.SequenceEqual(value.shape),
            $"{where}: '{field}' has shape [{string.Join(", ", value.shape)}], the module's parameter [{string.Join(", ", parameter.shape)}]");
        Assert.Equal(ScalarType.Float64, parameter.dtype);
        using (no_grad()) parameter.copy_(value);
        return parameter;
    }

    private static Tensor Input(JsonElement c, string field, string where)
    {
        if (!c.TryGetProperty(field, out var value)) throw new InvalidOperationException($"{where}: missing input '{field}'");
        return VectorArray.Parse(value, $"{where} {field}").ToTensor(requiresGrad: true);
    }

    private static void CheckLogMe(JsonElement c, JsonElement expect, string where)
    {
        using var features = VectorArray.Parse(c.GetProperty("features"), $"{where} features").ToTensor();
        var labels = VectorArray.Parse(c.GetProperty("labels"), $"{where} labels").Values.Select(v => (int)v).ToArray();
        var result = LogMe.Compute(features, labels, c.GetProperty("num_classes").GetInt32());
        foreach (var e in expect.EnumerateObject())
        {
            var expected = VectorArray.Parse(e.Value, $"{where} expect.{e.Name}");
            using var actual = e.Name switch
            {
                "score" => tensor(result.Score, ScalarType.Float64),
                "mu" => tensor(result.Mu, [result.Classes, result.Dim], ScalarType.Float64),
                _ => throw new InvalidOperationException($"{where}: unknown expected LogME quantity '{e.Name}'"),
            };
            AssertClose(expected, actual, $"{where} {e.Name}");
        }
    }

    private static void AssertClose(VectorArray expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.Shape)}]");
        Assert.Equal(ScalarType.Float64, actual.dtype);
        var values = actual.detach().cpu().contiguous().data<double>().ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            var e = expected.Values[i];
            var a = values[i];
            Assert.True(Math.Abs(a - e) <= AbsoluteTolerance + RelativeTolerance * Math.Abs(e),
                $"{what}[{i}] = {a:R}, expected {e:R} (|diff| {Math.Abs(a - e):E3} > atol 1e-9 + rtol 1e-6)");
        }
    }
}
