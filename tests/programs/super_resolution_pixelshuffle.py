from math import log10

import torch
import torch.nn as nn
import torch.nn.init as init
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super().__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 64, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(64, 64, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(64, 32, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(32, upscale_factor**2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv2.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv3.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv4.weight)


torch.manual_seed(123)
hr = torch.rand(64, 1, 16, 16)
hr = torch.nn.functional.avg_pool2d(hr, 3, 1, 1)
lr_img = torch.nn.functional.interpolate(hr, scale_factor=0.5, mode="bicubic", align_corners=False)
loader = DataLoader(TensorDataset(lr_img, hr), batch_size=16, shuffle=True)
model = Net(upscale_factor=2)
criterion = nn.MSELoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)
for epoch in range(1, 6):
    epoch_loss = 0
    for iteration, batch in enumerate(loader, 1):
        input, target = batch[0], batch[1]
        optimizer.zero_grad()
        loss = criterion(model(input), target)
        epoch_loss += loss.item()
        loss.backward()
        optimizer.step()
    print("===> Epoch {} Complete: Avg. Loss: {:.4f}".format(epoch, epoch_loss / len(loader)))
avg_psnr = 0
with torch.no_grad():
    for batch in loader:
        prediction = model(batch[0])
        mse = criterion(prediction, batch[1])
        psnr = 10 * log10(1 / mse.item())
        avg_psnr += psnr
print("===> Avg. PSNR: {:.4f} dB".format(avg_psnr / len(loader)))
model_out_path = "/tmp/model_epoch_sr.pth"
torch.save(model, model_out_path)
m2 = torch.load(model_out_path, weights_only=False)
with torch.no_grad():
    same = torch.equal(m2(lr_img[:2]), model(lr_img[:2]))
print(f"final psnr={avg_psnr / len(loader):.2f} reloaded={type(m2).__name__} same={same}")
