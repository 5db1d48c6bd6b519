using AftSweep.Transfer.Data;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>A built student: the module and the input pipeline it was built for.</summary>
public sealed class Student(DownstreamModel model, StudentInput input, string description) : IDisposable
{
    public DownstreamModel Model { get; } = model;
    public StudentInput Input { get; } = input;
    /// <summary>One line: architecture, config, checkpoint (for logs and <c>validate</c>).</summary>
    public string Description { get; } = description;

    /// <summary>
    /// A trial's splits as this student reads them. A text student with a token-embedding table first has the table
    /// restricted to the tokens the splits use (<see cref="ITokenEmbeddingStudent"/>: no result changes, Adam stops
    /// updating tens of thousands of rows no example reaches); call it before building the optimiser.
    /// </summary>
    public IReadOnlyList<InputTensor> Load(IReadOnlyList<LabeledSplit> splits, Device device)
    {
        ArgumentNullException.ThrowIfNull(splits);
        if (Input is not TextStudentInput text || Model is not ITokenEmbeddingStudent tokens)
            return splits.Select(s => Input.Load(s, device)).ToList();
        var encoded = splits.Select(text.Encode).ToList();
        var subset = VocabularySubset.Of(encoded, text.Tokenizer.PadId);
        tokens.RestrictVocabulary(subset.Ids);
        return encoded.Select(e => text.Load(e, subset, device)).ToList();
    }

    public void Dispose() => Model.Dispose();
}
