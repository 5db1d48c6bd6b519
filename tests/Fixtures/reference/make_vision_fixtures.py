#!/usr/bin/python3
"""Reference fixtures for AftSweep's vision students (tests/Models/Vision*).

An independent computation of what torchvision's ResNet and timm's VisionTransformer output for given weights, so the
C# modules (transfer/Models/ResNet, transfer/Models/Vit) can be checked name for name and number for number.
timm and torchvision are not installable here, so the modules below are plain-torch ports of their code, keeping
their parameter names, buffer names and math:

- ResNet, BasicBlock, Bottleneck: torchvision/models/resnet.py (v1.5: stride on the 3x3 conv of the bottleneck).
  Two additions, both off in torchvision's own models: `base` scales every width (64 in torchvision; the fixtures
  use 4 to stay small - names do not change), and `small_image_stem` (3x3 stride-1 conv1, no max-pool).
- VisionTransformer, Block, Attention, Mlp, PatchEmbed, resample_abs_pos_embed, and the pos_embed branch of
  checkpoint_filter_fn: timm 1.0.29.dev0 (huggingface/pytorch-image-models aa4b5850), defaults of
  vit_small_patch16_224: class token, learned pos_embed covering the class token, pre-norm blocks, LayerNorm eps 1e-6,
  qkv bias, exact GELU, global_pool='token', fc_norm identity. Attention uses timm's non-fused path (explicit
  softmax); torch 1.13 has no scaled_dot_product_attention, which keeps this independent of the C# code's SDPA.

Weights are random (seeded) with non-trivial norms, biases and BatchNorm running statistics (calibrated on random
batches in training mode, so activations stay O(1) through 50 layers). Outputs are computed in float64 from the
float32 weights and inputs. Everything is written as safetensors by hand (8-byte little-endian header length, JSON
header {name: {dtype, shape, data_offsets}}, raw little-endian bytes) since the safetensors package is not here.

Run with Debian's python3-torch (1.13, CPU):  /usr/bin/python3 make_vision_fixtures.py   (writes next to itself)
"""
import copy
import json
import math
import os
import struct
import sys
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
NUM_CLASSES = 5
BATCH = 2


# ---------------------------------------------------------------------------------------------------------------------
# torchvision ResNet (torchvision/models/resnet.py)

def conv3x3(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        width = planes  # int(planes * (base_width / 64.)) * groups with torchvision's base_width=64, groups=1
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride)  # v1.5: the stride sits on the 3x3 conv
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes, base=64, small_image_stem=False):
        super().__init__()
        self.inplanes = base
        if small_image_stem:
            self.conv1 = nn.Conv2d(3, base, kernel_size=3, stride=1, padding=1, bias=False)
        else:
            self.conv1 = nn.Conv2d(3, base, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity() if small_image_stem else nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, base, layers[0])
        self.layer2 = self._make_layer(block, base * 2, layers[1], stride=2)
        self.layer3 = self._make_layer(block, base * 4, layers[2], stride=2)
        self.layer4 = self._make_layer(block, base * 8, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(base * 8 * block.expansion, num_classes)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(self.avgpool(x), 1)

    def classifier(self, g):
        return self.fc(g)

    def forward(self, x):
        return self.classifier(self.features(x))


# ---------------------------------------------------------------------------------------------------------------------
# timm VisionTransformer (timm/models/vision_transformer.py, timm/layers/{attention,mlp,patch_embed,pos_embed}.py)

class PatchEmbed(nn.Module):
    def __init__(self, img_size, patch_size, in_chans, embed_dim):
        super().__init__()
        self.img_size = (img_size, img_size)
        self.patch_size = (patch_size, patch_size)
        self.grid_size = (img_size // patch_size, img_size // patch_size)
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size, bias=True)

    def forward(self, x):
        _, _, h, w = x.shape
        assert (h, w) == self.img_size, f"input {h}x{w} does not match model {self.img_size}"  # strict_img_size
        return self.proj(x).flatten(2).transpose(1, 2)  # NCHW -> NLC


class Attention(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        q = q * self.scale
        attn = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        x = attn @ v
        return self.proj(x.transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_features, in_features)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    def __init__(self, img_size, patch_size, embed_dim, depth, num_heads, mlp_ratio, num_classes, in_chans=3):
        super().__init__()
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches + 1, embed_dim))
        self.blocks = nn.Sequential(*[Block(embed_dim, num_heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)

    def features(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)  # class token, then add pos_embed
        x = x + self.pos_embed
        x = self.norm(self.blocks(x))
        return x[:, 0]  # global_pool='token'; fc_norm is identity

    def classifier(self, g):
        return self.head(g)

    def forward(self, x):
        return self.classifier(self.features(x))


def resample_abs_pos_embed(posemb: torch.Tensor, new_size: List[int], old_size: Optional[List[int]] = None,
                           num_prefix_tokens: int = 1, interpolation: str = 'bicubic', antialias: bool = True):
    """timm/layers/pos_embed.py, verbatim apart from logging."""
    num_pos_tokens = posemb.shape[1]
    num_new_tokens = new_size[0] * new_size[1] + num_prefix_tokens
    if num_new_tokens == num_pos_tokens and new_size[0] == new_size[1]:
        return posemb
    if old_size is None:
        hw = int(math.sqrt(num_pos_tokens - num_prefix_tokens))
        old_size = hw, hw
    if num_prefix_tokens:
        posemb_prefix, posemb = posemb[:, :num_prefix_tokens], posemb[:, num_prefix_tokens:]
    else:
        posemb_prefix, posemb = None, posemb
    embed_dim = posemb.shape[-1]
    orig_dtype = posemb.dtype
    posemb = posemb.float()
    posemb = posemb.reshape(1, old_size[0], old_size[1], -1).permute(0, 3, 1, 2)
    posemb = F.interpolate(posemb, size=new_size, mode=interpolation, antialias=antialias)
    posemb = posemb.permute(0, 2, 3, 1).reshape(1, -1, embed_dim)
    posemb = posemb.to(orig_dtype)
    if posemb_prefix is not None:
        posemb = torch.cat([posemb_prefix, posemb], dim=1)
    return posemb


def checkpoint_filter_fn(state_dict: Dict[str, torch.Tensor], model: VisionTransformer) -> Dict[str, torch.Tensor]:
    """The pos_embed branch of timm's checkpoint_filter_fn (interpolation='bicubic', antialias=True)."""
    out = {}
    for k, v in state_dict.items():
        if k == 'pos_embed' and v.shape[1] != model.pos_embed.shape[1]:
            v = resample_abs_pos_embed(v, new_size=model.patch_embed.grid_size, num_prefix_tokens=1,
                                       interpolation='bicubic', antialias=True)
        out[k] = v
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Random weights that exercise every term

@torch.no_grad()
def randomise_(model: nn.Module, gen: torch.Generator):
    for name, p in model.named_parameters():
        leaf = name.rsplit('.', 1)[-1]
        if name in ('cls_token', 'pos_embed'):
            p.normal_(0.0, 0.5, generator=gen)
        elif p.dim() >= 2:  # conv / linear weights: He-like scale so activations stay O(1)
            fan_in = p[0].numel()
            p.normal_(0.0, math.sqrt(2.0 / fan_in), generator=gen)
        elif leaf == 'weight':  # BatchNorm / LayerNorm scale
            p.uniform_(0.5, 1.5, generator=gen)
        else:  # biases
            p.normal_(0.0, 0.2, generator=gen)


@torch.no_grad()
def calibrate_batch_norm_(model: nn.Module, image_size: int, gen: torch.Generator, batches: int = 3):
    """Running statistics from random batches (cumulative average), as if the model had been trained a little."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    for _ in range(batches):
        model.features(torch.randn(8, 3, image_size, image_size, generator=gen))
    for m in bns:
        m.momentum = 0.1
    model.eval()


# ---------------------------------------------------------------------------------------------------------------------
# safetensors, by hand

_DTYPES = {torch.float64: 'F64', torch.float32: 'F32', torch.int64: 'I64'}


def write_safetensors(path: str, tensors: Dict[str, torch.Tensor], metadata: Dict[str, str]):
    header, blobs, offset = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': _DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-len(text) % 8)  # the data starts 8-byte aligned, as the safetensors library writes it
    with open(path + '.tmp', 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(path + '.tmp', path)
    print(f'{os.path.basename(path)}: {len(tensors)} tensors, {os.path.getsize(path)} bytes')


# ---------------------------------------------------------------------------------------------------------------------

@torch.no_grad()
def reference_outputs(model: nn.Module, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Features and logits in float64 from the model's float32 weights (a widened copy; the model is untouched)."""
    wide = copy.deepcopy(model).double().eval()
    g = wide.features(x.double())
    return g, wide.classifier(g)


def main():
    torch.set_num_threads(1)  # deterministic reductions
    gen = torch.Generator().manual_seed(20261204)
    inputs = {f'image.{s}': torch.randn(BATCH, 3, s, s, generator=gen) for s in (32, 64)}
    expected: Dict[str, torch.Tensor] = {}

    resnets = {
        'resnet18-w4': dict(block=BasicBlock, layers=[2, 2, 2, 2], small_image_stem=False, sizes=(32, 64)),
        'resnet18-w4-small-stem': dict(block=BasicBlock, layers=[2, 2, 2, 2], small_image_stem=True, sizes=(32,)),
        'resnet50-w4': dict(block=Bottleneck, layers=[3, 4, 6, 3], small_image_stem=False, sizes=(32, 64)),
    }
    for name, cfg in resnets.items():
        model = ResNet(cfg['block'], cfg['layers'], NUM_CLASSES, base=4, small_image_stem=cfg['small_image_stem'])
        randomise_(model, gen)
        calibrate_batch_norm_(model, cfg['sizes'][0], gen)
        write_safetensors(os.path.join(HERE, name + '.safetensors'), model.state_dict(),
                          {'format': 'pt', 'arch': name, 'layout': 'torchvision ResNet', 'base_width': '4',
                           'small_image_stem': str(cfg['small_image_stem']).lower()})
        for s in cfg['sizes']:
            g, logits = reference_outputs(model, inputs[f'image.{s}'])
            expected[f'{name}.{s}.features'], expected[f'{name}.{s}.logits'] = g, logits

    vit = dict(patch_size=16, embed_dim=32, depth=2, num_heads=2, mlp_ratio=4.0, num_classes=NUM_CLASSES)
    # A checkpoint trained at 224 px (14x14 patch grid), used at 32 and 64 px: pos_embed resampled as timm loads it.
    checkpoint = VisionTransformer(img_size=224, **vit)
    randomise_(checkpoint, gen)
    state = checkpoint.state_dict()
    write_safetensors(os.path.join(HERE, 'vit-p16-d32-i224.safetensors'), state,
                      {'format': 'pt', 'arch': 'vit', 'layout': 'timm VisionTransformer', 'img_size': '224',
                       'patch_size': '16', 'embed_dim': '32', 'depth': '2', 'num_heads': '2', 'mlp_ratio': '4.0'})
    for s in (32, 64):
        model = VisionTransformer(img_size=s, **vit)
        model.load_state_dict(checkpoint_filter_fn(state, model))
        g, logits = reference_outputs(model, inputs[f'image.{s}'])
        expected[f'vit-p16-d32-i224.{s}.features'], expected[f'vit-p16-d32-i224.{s}.logits'] = g, logits
    for grid in ((2, 2), (4, 4), (2, 4), (16, 16)):  # downsampling (the 32/64 px case), non-square, upsampling
        expected[f'vit-p16-d32-i224.pos_embed.{grid[0]}x{grid[1]}'] = resample_abs_pos_embed(state['pos_embed'], list(grid))
    expected['vit-p16-d32-i224.pos_embed.4x4.no-antialias'] = resample_abs_pos_embed(
        state['pos_embed'], [4, 4], antialias=False)

    # A checkpoint at its own resolution (patch 8 at 32 px: 4x4 grid), no resampling.
    native = VisionTransformer(img_size=32, **dict(vit, patch_size=8))
    randomise_(native, gen)
    write_safetensors(os.path.join(HERE, 'vit-p8-d32-i32.safetensors'), native.state_dict(),
                      {'format': 'pt', 'arch': 'vit', 'layout': 'timm VisionTransformer', 'img_size': '32',
                       'patch_size': '8', 'embed_dim': '32', 'depth': '2', 'num_heads': '2', 'mlp_ratio': '4.0'})
    g, logits = reference_outputs(native, inputs['image.32'])
    expected['vit-p8-d32-i32.32.features'], expected['vit-p8-d32-i32.32.logits'] = g, logits

    meta = {'format': 'pt', 'generator': 'make_vision_fixtures.py', 'torch': torch.__version__,
            'python': sys.version.split()[0]}
    write_safetensors(os.path.join(HERE, 'vision-inputs.safetensors'), inputs, meta)
    write_safetensors(os.path.join(HERE, 'vision-expected.safetensors'), expected, meta)


if __name__ == '__main__':
    main()
