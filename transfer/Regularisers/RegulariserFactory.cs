using AftSweep.Contracts.Methods;
using AftSweep.Transfer.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// Builds the regulariser of a method (null for stl, scratch and linear-probe), in float32 on the setup's device.
/// Random inits (P, Q, A, T, aft-dense's s) come from a generator seeded with setup.Seed, so they are reproducible
/// and leave the global RNG, which the trainer seeds for the model, untouched.
/// </summary>
public static class RegulariserFactory
{
    public static Regulariser? Create(RegulariserSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var info = MethodCatalog.Get(setup.Method);
        if (!info.IsRegularised) return null;
        Validate(setup, info.Name);

        var teacherDim = setup.TeacherTrainFeatures.Sum(f => f.Dim);
        using var generator = new Generator((ulong)setup.Seed);
        Regulariser regulariser = setup.Method switch
        {
            MethodId.Aft => new AftRegulariser(teacherDim),
            MethodId.AftIdentity => new AftIdentityRegulariser(teacherDim),
            MethodId.AftDense => new AftDenseRegulariser(teacherDim, generator),
            MethodId.AftRbf => new AftRbfRegulariser(teacherDim),
            MethodId.AftNoKernel => new AftNoKernelRegulariser(setup.StudentDim, teacherDim, generator),
            MethodId.AftBilevel => new AftBilevelRegulariser(teacherDim, setup.InnerSteps),
            MethodId.Kd => new KdRegulariser(setup.StudentDim, teacherDim, generator),
            MethodId.KernelKd => new KernelKdRegulariser(setup.StudentDim, generator),
            MethodId.Rkd => new RkdRegulariser(),
            MethodId.Ft => new FtRegulariser(
                setup.StudentDim, ParaphraserTrainer.GetOrTrain(setup.TeacherTrainFeatures, setup.Device, setup.Artifacts), generator),
            MethodId.BTuning => CreateBTuning(setup),
            _ => throw new ArgumentException($"no regulariser is defined for method '{info.Name}'"),
        };
        regulariser.to(setup.Device);
        return regulariser;
    }

    private static BTuningRegulariser CreateBTuning(RegulariserSetup setup)
    {
        var initial = setup.InitialStudentFeatures
            ?? throw new ArgumentException("btuning: RegulariserSetup.InitialStudentFeatures is required (LogME of the downstream model's initial features)");
        var student = initial();
        if (student.Rows != setup.TrainLabels.Length)
            throw new ArgumentException($"btuning: initial student features have {student.Rows} rows, the training labels {setup.TrainLabels.Length}");
        if (student.Dim != setup.StudentDim)
            throw new ArgumentException($"btuning: initial student features are {student.Dim} wide, StudentDim is {setup.StudentDim}");
        var teachers = setup.TeacherTrainFeatures.Select(f => LogMe.Compute(f, setup.TrainLabels, setup.NumClasses)).ToArray();
        return new BTuningRegulariser(LogMe.Compute(student, setup.TrainLabels, setup.NumClasses), teachers);
    }

    private static void Validate(RegulariserSetup setup, string method)
    {
        if (setup.StudentDim <= 0) throw new ArgumentException($"{method}: student feature width must be positive, got {setup.StudentDim}");
        var teachers = setup.TeacherTrainFeatures;
        if (teachers.Count == 0) throw new ArgumentException($"{method}: needs at least one teacher's features");
        if (setup.TeacherKeys.Count != teachers.Count)
            throw new ArgumentException($"{method}: {teachers.Count} teacher feature blocks but {setup.TeacherKeys.Count} teacher keys");
        for (var i = 0; i < teachers.Count; i++)
        {
            if (teachers[i].Rows != setup.TrainLabels.Length)
                throw new ArgumentException($"{method}: teacher '{setup.TeacherKeys[i]}' has {teachers[i].Rows} training rows, the labels {setup.TrainLabels.Length}");
        }
        if (setup.NumClasses < 1) throw new ArgumentException($"{method}: NumClasses must be positive, got {setup.NumClasses}");
        if (setup.InnerSteps < 0) throw new ArgumentException($"{method}: InnerSteps must be >= 0, got {setup.InnerSteps}");
    }
}
