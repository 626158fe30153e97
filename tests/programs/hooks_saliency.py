"""Looking inside a trained CNN with hooks, as interpretability tutorials do: feature maps
captured by register_forward_hook into a dict, gradients of an activation by
register_full_backward_hook, Grad-CAM from them (weights = grads.mean((2, 3))), a vanilla saliency
map from input.grad after backward on the class score, hook handles removed, parameter counting
with named_parameters, and freezing by requires_grad_(False)."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

# class 0: a bright blob in the left half; class 1: in the right half
n = 128
labels = torch.randint(0, 2, (n,))
images = 0.3 * torch.randn(n, 1, 16, 16)
cols = torch.randint(1, 6, (n,)) + labels * 8
rows = torch.randint(1, 13, (n,))
for i in range(n):
    images[i, 0, rows[i] : rows[i] + 3, cols[i] : cols[i] + 3] += 2.0


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(16, 2)

    def forward(self, x):
        x = self.features(x)
        x = self.pool(x).flatten(1)
        return self.classifier(x)


model = SmallCNN()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-2)
for epoch in range(50):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
accuracy = (model(images).argmax(1) == labels).float().mean().item()
print(f"train accuracy {accuracy:.3f}")

for name, param in model.named_parameters():
    print(f"{name:25s} {tuple(param.shape)} {param.numel()}")
total = sum(p.numel() for p in model.parameters() if p.requires_grad)

activations, gradients = {}, {}


def save_activation(name):
    def hook(module, input, output):
        activations[name] = output.detach()

    return hook


def save_gradient(name):
    def hook(module, grad_input, grad_output):
        gradients[name] = grad_output[0].detach()

    return hook


target_layer = model.features[3]
handles = [
    target_layer.register_forward_hook(save_activation("relu2")),
    target_layer.register_full_backward_hook(save_gradient("relu2")),
]

model.eval()
x = images[:8].clone().requires_grad_(True)
scores = model(x)
class_idx = scores.argmax(dim=1)
one_hot = F.one_hot(class_idx, num_classes=2).float()
model.zero_grad()
scores.backward(gradient=one_hot)
for h in handles:
    h.remove()

acts, grads = activations["relu2"], gradients["relu2"]
weights = grads.mean(dim=(2, 3), keepdim=True)
cam = F.relu((weights * acts).sum(dim=1))
cam = cam / (cam.amax(dim=(1, 2), keepdim=True) + 1e-8)
saliency = x.grad.abs().squeeze(1)

left = cam[:, :, :8].sum(dim=(1, 2))
right = cam[:, :, 8:].sum(dim=(1, 2))
cam_side = (right > left).long()
agree = (cam_side == class_idx).float().mean().item()
print("cam shape", tuple(cam.shape), "saliency shape", tuple(saliency.shape))

model.features.requires_grad_(False)
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
model.zero_grad()
model(images[:4]).sum().backward()
assert model.features[0].weight.grad is None and model.classifier.weight.grad is not None
print(
    f"final accuracy={accuracy:.4f} cam_agreement={agree:.4f} total_params={total} trainable_after_freeze={trainable} hooks_left={len(target_layer._forward_hooks)}"
)
