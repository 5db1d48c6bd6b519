using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Transfer.Teachers.Images;

/// <summary>
/// Runs a batch-1 image model over a row range with several workers (one session each) pulling rows from a shared
/// counter. Each row's features depend only on its image, so the result is the same for any worker count.
/// Workers are created on first use and kept; calls are serialised because each already uses every worker.
/// </summary>
internal sealed class ParallelImageRunner(int workerCount, Func<IImageWorker> createWorker) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<IImageWorker> _workers = [];

    public async Task<FeatureMatrix> RunAsync(ImageBatch images, int startRow, int rowCount, int dim,
        IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Run(images, startRow, rowCount, dim, rowsDone, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private FeatureMatrix Run(ImageBatch images, int startRow, int rowCount, int dim, IProgress<int>? rowsDone,
        CancellationToken cancellationToken)
    {
        var data = new float[(long)rowCount * dim];
        var workers = Math.Max(1, Math.Min(workerCount, rowCount));
        while (_workers.Count < workers) _workers.Add(createWorker());
        var next = -1;
        var done = 0;
        // One long-running thread per worker: the pool might otherwise run them one after another.
        var tasks = _workers.Take(workers).Select(worker => Task.Factory.StartNew(() =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < rowCount)
            {
                cancellationToken.ThrowIfCancellationRequested();
                worker.Extract(images, startRow + i, data.AsSpan(i * dim, dim));
                rowsDone?.Report(Interlocked.Increment(ref done));
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Surface the worker's own exception (a TeacherException, a cancellation), not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return new FeatureMatrix(rowCount, dim, data);
    }

    public void Dispose()
    {
        foreach (var worker in _workers) worker.Dispose();
        _workers.Clear();
        _gate.Dispose();
    }
}
