using System.Diagnostics.CodeAnalysis;

namespace AftSweep.Contracts.Methods;

/// <summary>The one registry of methods: names, and which protocol rules apply to each.</summary>
public static class MethodCatalog
{
    public static readonly IReadOnlyList<MethodInfo> All =
    [
        new(MethodId.Stl, "stl", IsRegularised: false, UsesTeachers: false, PriorLrFollowsModelLr: false, IsAftAblation: false),
        new(MethodId.Scratch, "scratch", false, false, false, false),
        new(MethodId.LinearProbe, "linear-probe", false, true, false, false),
        new(MethodId.Aft, "aft", true, true, false, false),
        new(MethodId.AftIdentity, "aft-identity", true, true, false, true),
        new(MethodId.AftDense, "aft-dense", true, true, false, true),
        new(MethodId.AftRbf, "aft-rbf", true, true, false, true),
        new(MethodId.AftNoKernel, "aft-nokernel", true, true, false, true),
        new(MethodId.AftBilevel, "aft-bilevel", true, true, false, true),
        new(MethodId.Kd, "kd", true, true, true, false),
        new(MethodId.KernelKd, "kernel-kd", true, true, false, false),
        new(MethodId.Rkd, "rkd", true, true, true, false),
        new(MethodId.Ft, "ft", true, true, true, false),
        new(MethodId.BTuning, "btuning", true, true, false, false),
    ];

    private static readonly Dictionary<string, MethodInfo> ByName = All.ToDictionary(m => m.Name, StringComparer.Ordinal);
    private static readonly Dictionary<MethodId, MethodInfo> ById = All.ToDictionary(m => m.Id);
    private static readonly Dictionary<MethodId, int> Order = All.Select((m, i) => (m.Id, i)).ToDictionary(x => x.Id, x => x.i);

    public static IEnumerable<string> Names => All.Select(m => m.Name);

    public static MethodInfo Get(MethodId id) => ById[id];

    public static bool TryGet(string name, [NotNullWhen(true)] out MethodInfo? info) => ByName.TryGetValue(name, out info);

    public static MethodInfo Get(string name) =>
        TryGet(name, out var info) ? info : throw new ArgumentException($"unknown method '{name}'", nameof(name));

    public static string NameOf(this MethodId id) => ById[id].Name;

    /// <summary>Position in <see cref="All"/>: the row order of every table.</summary>
    public static int IndexOf(MethodId id) => Order[id];
}
