import sys


def main():
    print(len(sys.stdin.read().split()))


if __name__ == "__main__":
    main()
