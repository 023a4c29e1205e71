/** Class names of the datasets whose classes are fixed (label `i` is entry `i`). */
export const classNames = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  /** Kuzushiji hiragana, romanised: お き す つ な は ま や れ を. */
  kmnist: ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'],
  cifar10: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
  /** SVHN digits: label d is digit d (the files' label 10 is loaded as 0). */
  svhn: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  stl10: ['airplane', 'bird', 'car', 'cat', 'deer', 'dog', 'horse', 'monkey', 'ship', 'truck'],
} as const satisfies Record<string, readonly string[]>;
