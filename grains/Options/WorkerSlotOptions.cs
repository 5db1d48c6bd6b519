using Microsoft.Extensions.Options;

namespace AftSweep.Grains.Options;

/// <summary>The worker slots of one silo (configuration section "Workers").</summary>
public sealed class WorkerSlotOptions
{
    public const string Section = "Workers";

    /// <summary>"cpu", or a comma-separated device list ("cuda:0,cuda:1"); empty = no slots (a grains-only silo).</summary>
    public string Devices { get; set; } = "cpu";
    public int SlotsPerDevice { get; set; } = 1;

    public IReadOnlyList<string> DeviceList =>
        Devices.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class WorkerSlotOptionsValidator : IValidateOptions<WorkerSlotOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerSlotOptions o)
    {
        var errors = new List<string>();
        foreach (var device in o.DeviceList)
        {
            if (device != "cpu" && !(device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out var n) && n >= 0))
                errors.Add($"{WorkerSlotOptions.Section}:{nameof(o.Devices)}: '{device}' is not a device (expected 'cpu' or 'cuda:N')");
        }
        if (o.DeviceList.Count != o.DeviceList.Distinct(StringComparer.Ordinal).Count())
            errors.Add($"{WorkerSlotOptions.Section}:{nameof(o.Devices)}: '{o.Devices}' lists a device twice");
        if (o.SlotsPerDevice is < 1 or > 64) errors.Add($"{WorkerSlotOptions.Section}:{nameof(o.SlotsPerDevice)}: must be 1-64, got {o.SlotsPerDevice}");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
