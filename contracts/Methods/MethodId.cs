namespace AftSweep.Contracts.Methods;

/// <summary>Every transfer method AftSweep trains (shared/spec/methods.md). Numbers are persisted: never renumber.</summary>
public enum MethodId
{
    Stl = 1,
    Scratch = 2,
    LinearProbe = 3,
    Aft = 10,
    AftIdentity = 11,
    AftDense = 12,
    AftRbf = 13,
    AftNoKernel = 14,
    AftBilevel = 15,
    Kd = 20,
    KernelKd = 21,
    Rkd = 22,
    Ft = 23,
    BTuning = 24,
}
