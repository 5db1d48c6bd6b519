using System.Security.Cryptography;
using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Staging;
using AftSweep.Contracts.Trials;
using AftSweep.Grains.Interfaces;
using AftSweep.Infra.Orleans;

namespace AftSweep.Client.Staging;

/// <summary>
/// What `submit` does before it hands a plan to the cluster: uploads every file of the grid's dataset, and the
/// student checkpoint with its side files, into the cluster's store through <see cref="IStagingGrain"/>, keyed by the
/// fingerprints the planner already computed (a dataset staged once is never uploaded again, an interrupted upload
/// resumes), then returns the plan with each client path replaced by its <see cref="StagedPath"/>. Trial and sweep ids
/// do not change: they hash the fingerprints, never the paths. So silos on other machines need no shared filesystem.
/// </summary>
public sealed class InputStager(IGrainFactory grains, ClusterCallResilience calls, Action<string> note)
{
    private readonly IStagingGrain _staging = grains.GetGrain<IStagingGrain>(0);

    public async Task<SweepPlan> StageAsync(SweepPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var grid = plan.Grid;
        await UploadAsync(StagedPath.Datasets, plan.DatasetFingerprint, DatasetFingerprint.RoleFiles(grid.Dataset).ToList(), $"dataset '{grid.Dataset.Name}'", cancellationToken);
        var checkpoint = CheckpointFiles.Of(grid.Downstream);
        var checkpointFiles = checkpoint.Existing().ToList();
        var initFingerprint = checkpointFiles.Count == 0 ? null : checkpoint.Fingerprint()!;
        if (initFingerprint is not null) await UploadAsync(StagedPath.Checkpoints, initFingerprint, checkpointFiles, "downstream.init", cancellationToken);
        return Rewrite(plan, initFingerprint, checkpoint);
    }

    /// <summary>The plan with staged references for every dataset and checkpoint path; fails if any trial id would change.</summary>
    public static SweepPlan Rewrite(SweepPlan plan, string? initFingerprint, CheckpointFiles checkpoint)
    {
        var dataset = DatasetFingerprint.MapPaths(plan.Grid.Dataset, (role, _) => StagedPath.Of(StagedPath.Datasets, plan.DatasetFingerprint, role));
        DownstreamSpec Downstream(DownstreamSpec d) => initFingerprint is null ? d : d with
        {
            Init = checkpoint.Checkpoint is not null ? StagedPath.Of(StagedPath.Checkpoints, initFingerprint, "checkpoint") : d.Init,
            ConfigFile = checkpoint.Config is not null ? StagedPath.Of(StagedPath.Checkpoints, initFingerprint, "config") : d.ConfigFile,
            Vocabulary = checkpoint.Vocabulary is not null ? StagedPath.Of(StagedPath.Checkpoints, initFingerprint, "vocabulary") : d.Vocabulary,
        };
        TrialSpec Spec(TrialSpec spec)
        {
            var staged = spec with { Dataset = dataset, Downstream = Downstream(spec.Downstream) };
            // Ids hash fingerprints, not paths: a changed id would be a planner bug, and a duplicate sweep.
            if (spec.Id.Length > 0 && TrialIds.Of(staged) != spec.Id)
                throw new InvalidOperationException($"trial {spec.Id}: staging its inputs changed its id; nothing was submitted");
            return staged;
        }
        return plan with
        {
            // The client's folder means nothing on a silo.
            Grid = plan.Grid with { Dataset = dataset, Downstream = Downstream(plan.Grid.Downstream), BaseDirectory = "" },
            Cells = plan.Cells.Select(c => c with { SelectionTrials = c.SelectionTrials.Select(Spec).ToList(), FinalTemplate = Spec(c.FinalTemplate) }).ToList(),
        };
    }

    private async Task UploadAsync(string kind, string fingerprint, IReadOnlyList<(string Role, string Path)> files, string what, CancellationToken cancellationToken)
    {
        var manifestKey = StagedBlobs.Manifest(kind, fingerprint);
        if ((await calls.CallAsync(_ => _staging.MissingAsync([manifestKey]), cancellationToken)).Count == 0) return; // staged before

        var entries = new List<StagedFile>();
        var keys = new List<string>();
        for (var i = 0; i < files.Count; i++)
        {
            var (role, path) = files[i];
            var info = new FileInfo(path);
            var parts = StagedBlobs.PartsOf(info.Length);
            entries.Add(new StagedFile(role, Path.GetFileName(path), info.Length, await Sha256Async(path, cancellationToken), parts));
            keys.AddRange(Enumerable.Range(0, parts).Select(p => StagedBlobs.Part(kind, fingerprint, i, p)));
        }
        var missing = (await calls.CallAsync(_ => _staging.MissingAsync(keys), cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var bytes = entries.Sum(e => e.Length);
        note($"staging {what} into the cluster's store: {files.Count} file{(files.Count == 1 ? "" : "s")}, {bytes / 1048576.0:0.0} MB" +
             (missing.Count < keys.Count ? $" ({keys.Count - missing.Count} of {keys.Count} parts already there)" : ""));

        var buffer = new byte[StagedBlobs.PartSize];
        for (var i = 0; i < files.Count; i++)
        {
            await using var stream = new FileStream(files[i].Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            for (var part = 0; part < entries[i].Parts; part++)
            {
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
                var key = StagedBlobs.Part(kind, fingerprint, i, part);
                if (!missing.Contains(key)) continue;
                var content = buffer[..read];
                await calls.CallAsync(_ => _staging.PutAsync(key, content), cancellationToken);
            }
            if (stream.Position != entries[i].Length)
                throw new IOException($"{files[i].Path}: changed while it was being staged ({stream.Position} bytes read, {entries[i].Length} expected); submit again");
        }
        // Last: a manifest in the store means every part is there.
        var manifest = new StagedManifest(StagedManifest.CurrentSchema, kind, fingerprint, entries).ToJson();
        await calls.CallAsync(_ => _staging.PutAsync(manifestKey, manifest), cancellationToken);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
