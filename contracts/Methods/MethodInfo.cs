namespace AftSweep.Contracts.Methods;

/// <summary>What the rest of the system needs to know about a method, in one place.</summary>
/// <param name="Id">The method.</param>
/// <param name="Name">The id used in grid.json and in every output ("aft", "linear-probe", ...).</param>
/// <param name="IsRegularised">Takes a lambda grid and goes through the selection stage.</param>
/// <param name="UsesTeachers">Runs once per teacher combination (all but stl and scratch).</param>
/// <param name="PriorLrFollowsModelLr">The regulariser's parameters train at the model lr (kd, rkd, ft); otherwise at the grid's priorLr.</param>
/// <param name="IsAftAblation">Reported in the ablation table.</param>
public sealed record MethodInfo(
    MethodId Id,
    string Name,
    bool IsRegularised,
    bool UsesTeachers,
    bool PriorLrFollowsModelLr,
    bool IsAftAblation);
