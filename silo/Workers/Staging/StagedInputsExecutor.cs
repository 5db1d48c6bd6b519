using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Training;

namespace AftSweep.Workers.Staging;

/// <summary>
/// Runs a trial whose checkpoint (downstream.init and its side files) or dataset was staged: the spec the executor sees
/// names verified local copies (<see cref="StagedInputs"/>). The trial's id and record keep the staged spec.
/// </summary>
public sealed class StagedInputsExecutor(ITrialExecutor inner, StagedInputs staged) : ITrialExecutor
{
    public async Task<TrialResult> ExecuteAsync(TrialSpec spec, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var local = await Task.Run(() => spec with
        {
            Dataset = staged.Materialize(spec.Dataset, spec.SplitSeed, cancellationToken),
            Downstream = staged.Materialize(spec.Downstream, cancellationToken),
        }, cancellationToken).ConfigureAwait(false);
        return await inner.ExecuteAsync(local, progress, cancellationToken).ConfigureAwait(false);
    }
}
