using AftSweep.Transfer.Teachers.Onnx;
using Microsoft.Extensions.Logging;

namespace AftSweep.Transfer.Teachers;

/// <summary>
/// How teachers use the machine. None of these change the features, only how fast they come (padding is masked: on
/// 1000 SST-2 rows, batches of 1, 16 and 32 give bit-identical MiniLM and arctic-xs features), so none is part of a
/// teacher's identity.
/// </summary>
public sealed record TeacherOptions
{
    /// <summary>
    /// Concurrent single-threaded sessions for batch-1 image models (ResNet-18's graph has its batch fixed at 1, so
    /// throughput comes from one session per core rather than from threads inside one session).
    /// </summary>
    public int ImageWorkers { get; init; } = Environment.ProcessorCount;
    /// <summary>Concurrent single-threaded sessions of a text model, each running whole batches.</summary>
    public int TextWorkers { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// Sentences per text-model call (sorted by length first, so padding stays small). 16 rather than 32: measured
    /// 6-17% more sentences per CPU-second on SST-2 (experiments/benchmarks-notes.md): less padding, and a batch's
    /// activations stay in L2.
    /// </summary>
    public int TextBatchSize { get; init; } = 16;

    /// <summary>Where ONNX teachers run: auto (the first CUDA device when this build has ONNX Runtime's CUDA provider
    /// and the machine a GPU), cpu, or cuda:N; a CUDA request that cannot be met runs on the CPU with one warning.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Receives the one fallback warning; null writes it to stderr.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The execution provider every ONNX session of these teachers uses (resolved once per device string).</summary>
    public OnnxDeviceChoice ExecutionChoice => OnnxExecutionProvider.ChooseHere(Device);
}
