using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Transfer.Teachers.Onnx;

internal static class OnnxSessions
{
    public static SessionOptions Options(int intraOpThreads, TeacherOptions? teacher = null)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, intraOpThreads),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Single-threaded sessions run side by side; spinning threads would steal the other sessions' cores.
        if (intraOpThreads <= 1) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (teacher is not null) OnnxExecutionProvider.Apply(options, teacher.ExecutionChoice, teacher.Logger);
        return options;
    }

    public static InferenceSession Open(string spec, string path, int intraOpThreads, TeacherOptions? teacher = null)
    {
        using var options = Options(intraOpThreads, teacher);
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new TeacherException(spec, $"{path} is not a loadable ONNX model: {e.Message}", e);
        }
    }

    public static InferenceSession Open(string spec, byte[] model, string name, int intraOpThreads, TeacherOptions? teacher = null)
    {
        using var options = Options(intraOpThreads, teacher);
        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new TeacherException(spec, $"{name} is not a loadable ONNX model: {e.Message}", e);
        }
    }
}
